package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.ClusterId;
import dev.corral.core.Json;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.protocol.Assignment;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.sdk.CorralClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent trusts only the coordinator its join token names: a man in the middle cannot make
 * it run anything, a server with another key or a TLS certificate of its own gets nothing from
 * it, and the real coordinator serves it over HTTPS.
 */
class CoordinatorPinningTest {
    private static final TestNetwork.Store STORE = TestNetwork.Store.H2;

    @TempDir
    Path directory;

    @Test
    void anAssignmentAProxyAddsToAWorkAnswerIsNeverRun() throws Exception {
        // Where any user may write: the agent runs a rank as a user of its own when it is root.
        Path open = Files.createTempDirectory("corral-proxy-");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path marker = open.resolve("run-by-the-proxy");
        try (TestNetwork network = TestNetwork.on(STORE, directory);
                RewritingProxy proxy = RewritingProxy.to(network.url, injecting("touch " + marker))) {
            CorralClient supplier = network.customer("supplier", null);
            proxy.rewriting = false;
            WorkerAgent agent = network.agentVia(supplier, proxy.url());
            network.awaitIdleDevices(1);
            proxy.rewriting = true;
            TestNetwork.await("3 work answers rewritten", () -> proxy.rewrites() >= 3);
            // The agent acts on an answer before it polls again: two more polls, and it had its chance.
            int polls = proxy.workPolls();
            TestNetwork.await("2 more work polls", () -> proxy.workPolls() >= polls + 2);
            assertThat(marker).as("the command the proxy added").doesNotExist();
            assertThat(agent.answersRefused()).as("answers the agent refused as not its coordinator's").isPositive();

            // The same proxy passing answers unchanged is harmless: the agent serves a real cluster through it.
            proxy.rewriting = false;
            CorralClient alice = network.customer("alice", "5");
            String cluster = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "echo served through the proxy; sleep 30"), null)
                    .clusterId();
            network.awaitState(alice, cluster, "RUNNING");
            TestNetwork.await("the rank's output", () -> alice.logs(cluster, null).lines().stream()
                    .anyMatch(line -> line.line().contains("served through the proxy")));
            assertThat(marker).doesNotExist();
        } finally {
            Files.deleteIfExists(marker);
            Files.delete(open);
        }
    }

    @Test
    void anAgentJoinsOverHttpsPinsTheCoordinatorAndServesAClusterThere() throws Exception {
        try (TestNetwork network = TestNetwork.overHttps(STORE, directory)) {
            assertThat(network.url.getScheme()).isEqualTo("https");
            CorralClient supplier = network.customer("supplier", null);
            assertThat(CoordinatorKey.tokenFingerprint(supplier.joinToken().token())).as("the token's coordinator")
                    .isPresent();
            WorkerAgent first = network.agent(supplier);
            network.awaitIdleDevices(1);
            assertThat(network.dataDirectory(first).resolve("coordinator.pub")).as("the pinned coordinator key").exists();
            // A restart needs no join token: the pinned key says whom to trust.
            WorkerAgent agent = network.restartAgent(first);
            CorralClient alice = network.customer("alice", "5");
            String cluster = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "echo served over https; sleep 30"), null)
                    .clusterId();
            network.awaitState(alice, cluster, "RUNNING");
            TestNetwork.await("the rank's output", () -> alice.logs(cluster, null).lines().stream()
                    .anyMatch(line -> line.line().contains("served over https")));
            assertThat(agent.answersRefused()).isZero();
        }
    }

    @Test
    void aServerWithAnotherKeyIsNotTheCoordinatorTheJoinTokenNamed() throws Exception {
        try (TestNetwork named = TestNetwork.on(STORE, directory.resolve("named"));
                TestNetwork other = TestNetwork.on(STORE, directory.resolve("other"))) {
            String token = named.customer("supplier", null).joinToken().token();
            assertThatThrownBy(() -> other.agentJoining(other.url, token)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is not the coordinator this device joined");
            assertThat(other.anonymous.networkStats().devicesOnline()).as("devices the other server heard of").isZero();
        }
    }

    @Test
    void aTlsProxyWithACertificateOfItsOwnGetsNothingFromTheAgent() throws Exception {
        try (TestNetwork network = TestNetwork.overHttps(STORE, directory.resolve("network"));
                RewritingProxy proxy = RewritingProxy.overTls(network.url, directory)) {
            CorralClient supplier = network.customer("supplier", null);
            String token = supplier.joinToken().token();
            assertThatThrownBy(() -> network.agentJoining(proxy.url(), token)).isInstanceOf(IOException.class)
                    .hasMessageContaining("presented a TLS certificate")
                    .hasMessageContaining("that the coordinator's key does not vouch for");
            // The agent asked who it was talking to, and sent nothing else: no registration, no token.
            assertThat(proxy.forwarded()).containsOnly("/agent/v1/identity");
            assertThat(supplier.devices()).isEmpty();
        }
    }

    /** Adds an assignment running this command to a work answer, under a new version so that the agent looks. */
    private static UnaryOperator<byte[]> injecting(String command) {
        return body -> {
            try {
                WorkResponse answer = Json.mapper().readValue(body, WorkResponse.class);
                List<Assignment> assignments = new ArrayList<>(answer.assignments());
                assignments.add(new Assignment(ClusterId.random().value(), 0, 1, "process", command, Map.of(), null,
                        List.of(), false));
                return Json.mapper().writeValueAsBytes(new WorkResponse(answer.version() + "-proxy", assignments,
                        answer.challenges(), answer.heartbeatTimeoutMillis()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
