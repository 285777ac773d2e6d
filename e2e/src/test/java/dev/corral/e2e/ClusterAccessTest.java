package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.Endpoint;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.SshAccess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reaching a running cluster, for real: the system's ssh client logs in to a rank (the image's
 * dropbear, started by the agent with the customer's key) at the command {@code corral ssh}
 * builds, and a Jupyter server's API answers over its published port with its token and
 * refuses without it. Both end with the cluster.
 */
class ClusterAccessTest {
    private static final String TOKEN = "jupyter-test-token-0123456789";
    private static final Duration JUPYTER_START_MAX = Duration.ofMinutes(2);
    /** A rank's container stops within its grace (10 s) and is then removed. */
    private static final Duration ACCESS_END_MAX = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void sshLogsInToARankAndJupytersApiAnswersOverItsPortUntilTheClusterEnds() throws Exception {
        String image = TorchImage.name();
        Path key = directory.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        String publicKey = Files.readString(directory.resolve("id_ed25519.pub")).strip();
        try (TestNetwork network = TestNetwork.on(TestNetwork.Store.H2, directory.resolve("network"))) {
            network.supplierWithDevices("supplier", 2);
            CorralClient alice = network.customer("alice", "5");
            ClusterView deployed = alice.deploy(new DeployRequest("notebook", null, true, null, 2, 1, null, null,
                    "if [ \"$CORRAL_RANK\" = 0 ]; then exec python3 -m notebook --ip=0.0.0.0 --port=8888 --no-browser "
                            + "--allow-root --NotebookApp.token=\"$JUPYTER_TOKEN\"; else exec sleep 600; fi",
                    Map.of(), null, null).withContainer(new ContainerSpec(image, null, List.of("8888"),
                            Map.of("JUPYTER_TOKEN", TOKEN), null).withSshKeys(List.of(publicKey))), null);
            ClusterView running = network.awaitState(alice, deployed.clusterId(), "RUNNING");
            assertThat(running.container().sshKeys()).containsExactly(publicKey);

            Endpoint ssh = SshAccess.endpoint(running, 1).orElseThrow();
            List<String> login = new ArrayList<>(SshAccess.argv(ssh.address(), "root", Optional.of(key),
                    directory.resolve("known_hosts"), List.of("echo", "logged-in-as-$(id -un)")));
            login.addAll(1, List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=10"));
            assertThat(run(login)).contains("logged-in-as-root");

            URI jupyter = URI.create("http://" + endpoint(running, 0, "8888/tcp").address() + "/api/status");
            TestNetwork.await("Jupyter answering", JUPYTER_START_MAX, () -> status(jupyter, TOKEN) == 200);
            assertThat(status(jupyter, TOKEN)).isEqualTo(200);
            assertThat(status(jupyter, "wrong-token")).isEqualTo(403);

            alice.terminate(deployed.clusterId());
            TestNetwork.await("Jupyter gone with the cluster", () -> status(jupyter, TOKEN) == -1);
            // The rank's container is removed once its program stops (sleep ignores SIGTERM: after the grace).
            TestNetwork.await("ssh refused once the cluster ended", ACCESS_END_MAX, () -> exitCode(login) == 255);
        }
    }

    /** The exit code of a command that must end within a minute (ssh exits 255 when it cannot connect). */
    private static int exitCode(List<String> argv) {
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Endpoint endpoint(ClusterView cluster, int rank, String port) {
        return cluster.ranks().get(rank).endpoints().stream().filter(e -> e.port().equals(port)).findFirst()
                .orElseThrow();
    }

    /** The HTTP status of the API with this token; -1 when nothing listens. */
    private static int status(URI uri, String token) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(HttpRequest.newBuilder(uri).header("Authorization", "token " + token)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
            return -1;
        } catch (IOException e) {
            return -2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }

    private static String run(List<String> argv) throws Exception {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", argv, out).isZero();
        return out;
    }
}
