package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.ChildJvm;
import dev.corral.agent.TestImages;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.sdk.CorralClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * The failure found: an agent killed with {@code kill -9} left its rank running on the
 * supplier's machine after the customer was refunded, until the agent started again. Re-run
 * here with an agent in its own process, in both runtimes.
 */
@OnBothStores
class AgentDeathTest {
    /** Long enough for the watchdog (its takeover grace, then a JVM) on a slow machine; the product's is 30 s. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);
    private static final int AGENT_HEAP_MB = 128;

    @Parameter
    TestNetwork.Store store;
    @TempDir
    Path directory;

    @Test
    void nothingOfAClusterRunsOnceItsKilledAgentsCustomerIsRefundedInEitherRuntime() throws Exception {
        String image = TestImages.busybox();
        try (TestNetwork network = TestNetwork.withHeartbeatTimeout(store, directory.resolve("network"),
                HEARTBEAT_TIMEOUT)) {
            CorralClient supplier = network.customer("supplier", null);
            List<Process> agents = List.of(agentProcess(network, supplier, "a"), agentProcess(network, supplier, "b"));
            try {
                List<String> devices = List.of(deviceOf(agents.get(0), "a"), deviceOf(agents.get(1), "b"));
                network.awaitIdleDevices(2);
                CorralClient alice = network.customer("alice", "5");
                ClusterView inContainer = alice.deploy(new DeployRequest(null, null, true, null, 1, 1, null, null,
                        "sleep 301", Map.of(), null, null).withContainer(new ContainerSpec(image, null, null, null,
                        null)).withRecovery("fail", null), null);
                network.awaitState(alice, inContainer.clusterId(), "RUNNING");
                network.awaitIdleDevices(1);
                ClusterView asProcess = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "sleep 302")
                        .withRecovery("fail", null), null);
                network.awaitState(alice, asProcess.clusterId(), "RUNNING");
                assertThat(devices.stream().mapToInt(d -> TestImages.containersOf(d).size()).sum()).isOne();
                assertThat(running("sleep 302")).isTrue();

                for (Process agent : agents) {
                    agent.destroyForcibly().waitFor();
                }

                for (ClusterView cluster : List.of(inContainer, asProcess)) {
                    ClusterView failed = network.awaitState(alice, cluster.clusterId(), "FAILED");
                    assertThat(failed.refunded().minor()).isPositive();
                }
                assertThat(devices).as("the rank's container, once the customer is refunded")
                        .allSatisfy(device -> assertThat(TestImages.containersOf(device)).isEmpty());
                assertThat(running("sleep 302")).as("the rank's process, once the customer is refunded").isFalse();
            } finally {
                agents.forEach(Process::destroyForcibly);
            }
        }
    }

    private Process agentProcess(TestNetwork network, CorralClient supplier, String name) throws Exception {
        return new ProcessBuilder(ChildJvm.command(AgentProcess.class, AGENT_HEAP_MB, List.of(), List.of(
                network.url.toString(), supplier.joinToken().token(), directory.resolve(name).toString(),
                Long.toString(Duration.between(Instant.now(), network.clock.instant()).toMillis()))))
                .redirectError(directory.resolve(name + ".log").toFile()).start();
    }

    /** The device id the agent prints once it serves; fails with its log if it ended first. */
    private String deviceOf(Process agent, String name) throws Exception {
        return ChildProcesses.firstLine(agent, directory.resolve(name + ".log"), "agent " + name);
    }

    private static boolean running(String command) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(command));
    }
}
