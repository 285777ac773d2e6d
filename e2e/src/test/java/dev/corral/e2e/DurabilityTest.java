package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.ChildJvm;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import dev.corral.store.TestDatabases;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Every write the coordinator acknowledged survives its process being killed outright: credits
 * answered 200 and a deploy answered 201, the coordinator killed with SIGKILL the moment the last
 * answer came, then started again on the same store. On H2 such writes were lost (a commit
 * waited up to half a second to reach the file).
 */
@OnBothStores
class DurabilityTest {
    private static final int CREDITS = 20;
    private static final int COORDINATOR_HEAP_MB = 256;

    @Parameter
    TestNetwork.Store store;
    @TempDir
    Path directory;

    @Test
    void acknowledgedCreditsAndADeploySurviveTheCoordinatorsKillMinus9() throws Exception {
        String jdbc = store == TestNetwork.Store.POSTGRES ? TestDatabases.newPostgresSchema() : "-";
        Path data = directory.resolve("coordinator");
        Process coordinator = start(data, 0, jdbc, "first");
        int port = portOf(coordinator, "first");
        URI url = URI.create("http://127.0.0.1:" + port);
        CorralClient anonymous = new CorralClient(url, null);
        CorralClient admin = anonymous.withKey(TestNetwork.ADMIN_KEY);
        AccountCreated supplierAccount = anonymous.createAccount("supplier");
        AccountCreated aliceAccount = anonymous.createAccount("alice");
        CorralClient alice = anonymous.withKey(aliceAccount.apiKey());
        ClusterView deployed;
        try (WorkerAgent agent = WorkerAgent.start(AgentConfig.of(url, anonymous.withKey(supplierAccount.apiKey())
                .joinToken().token(), directory.resolve("agent"), true)
                .withHeartbeatInterval(TestNetwork.HEARTBEAT_INTERVAL).withNvidiaSmi("/nonexistent/nvidia-smi")
                .withBandwidthProbeInterval(Duration.ZERO))) {
            TestNetwork.await("the device offered", () -> anonymous.offers(null, null).stream()
                    .mapToInt(offer -> offer.available()).sum() == 1);
            for (int i = 0; i < CREDITS; i++) {
                admin.credit(aliceAccount.accountId(), "1", "credit-" + i);
            }
            deployed = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "sleep 300"), null);
            coordinator.destroyForcibly().waitFor();

            Process again = start(data, port, jdbc, "second");
            try {
                portOf(again, "second");
                assertThat(alice.cluster(deployed.clusterId()).clusterId()).as("the deploy answered 201")
                        .isEqualTo(deployed.clusterId());
                assertThat(alice.account().available().minor() + alice.account().heldInEscrow().minor())
                        .as("the %d credits answered 200, in the account or in the cluster's escrow", CREDITS)
                        .isEqualTo(CREDITS * 1_000_000L);
                alice.terminate(deployed.clusterId());
            } finally {
                again.destroyForcibly().waitFor();
            }
        } finally {
            coordinator.destroyForcibly();
        }
    }

    private Process start(Path data, int port, String jdbc, String name) throws Exception {
        Files.createDirectories(data);
        List<String> args = new ArrayList<>(List.of(data.toString(), Integer.toString(port), jdbc));
        return new ProcessBuilder(ChildJvm.command(CoordinatorProcess.class, COORDINATOR_HEAP_MB, List.of(), args))
                .redirectError(directory.resolve(name + ".log").toFile()).start();
    }

    private int portOf(Process coordinator, String name) throws Exception {
        return Integer.parseInt(ChildProcesses.firstLine(coordinator, directory.resolve(name + ".log"),
                "coordinator " + name));
    }
}
