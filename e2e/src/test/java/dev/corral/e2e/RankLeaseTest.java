package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An agent that cannot reach the coordinator for longer than its lease stops its ranks by itself;
 * the coordinator, back, takes the rank as lost with its device and places it again.
 */
class RankLeaseTest extends NetworkTest {
    /** The agent's lease here: the test coordinator's 2 s heartbeat timeout is under the agent's shortest. */
    private static final Duration LEASE = Duration.ofSeconds(10);

    @Test
    void ranksStopOnceTheCoordinatorIsUnreachableForTheLeaseAndAreThenReportedLostAndPlacedAgain() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        WorkerAgent agent = network.offeredAgents(supplier, 1).getFirst();
        CorralClient alice = network.customer("alice", "5");
        ClusterView cluster = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "sleep 303"), null);
        network.awaitState(alice, cluster.clusterId(), "RUNNING");

        long[] stoppedAfterNanos = new long[1];
        network.restartCoordinatorAfter(() -> {
            long down = System.nanoTime();
            TestNetwork.await("the agent to stop its rank", () -> ProcessHandle.allProcesses()
                    .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 303")));
            stoppedAfterNanos[0] = System.nanoTime() - down;
        });

        assertThat(Duration.ofNanos(stoppedAfterNanos[0])).as("not before the lease ran out").isGreaterThanOrEqualTo(
                LEASE.minus(TestNetwork.HEARTBEAT_INTERVAL.multipliedBy(2)));
        TestNetwork.await("the rank placed again", () -> {
            ClusterView now = alice.cluster(cluster.clusterId());
            return now.replacements().size() == 1 && now.ranks().getFirst().state().equals("STARTED");
        });
        ClusterView healed = alice.cluster(cluster.clusterId());
        assertThat(healed.state()).isEqualTo("RUNNING");
        assertThat(healed.replacements().getFirst().replacedBy()).as("the only device, free again")
                .isEqualTo(agent.deviceId().value());
        TestNetwork.await("the rank's program running again", () -> ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 303")));
        assertThat(agent.exitsNotReported()).isZero();
    }
}
