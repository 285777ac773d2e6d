package dev.corral.bench;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.Runtimes;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.sdk.CorralClient;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * `corral bench heal`: a coordinator and agents in this process, as the product runs them (its
 * sweep every second, heartbeats every second); round after round a one-rank cluster runs on one
 * device while another waits idle, the first device's agent stops (its heartbeats with it), and
 * the time from that device's last heartbeat to its rank started on the other is measured with
 * the coordinator's own timestamps. Floor, in the same rounds: the heartbeat timeout (no loss can
 * be declared sooner without declaring slow devices lost) plus the time a fresh one-rank deploy
 * takes to RUNNING on an idle device: replacing by hand the moment the loss is known.
 */
final class HealBenchmark {
    static final int ROUNDS_MAX = 20;
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    static final Duration WAIT_MAX = Duration.ofMinutes(2);
    static final Duration STATE_POLL = Duration.ofMillis(20);
    static final String RANK_COMMAND = "sleep 600";

    private HealBenchmark() {}

    static void run(Duration heartbeatTimeout, int rounds, Path directory, PrintWriter out) throws Exception {
        CoordinatorConfig config = BenchParties.coordinator(directory, heartbeatTimeout,
                CoordinatorConfig.SWEEP_INTERVAL_DEFAULT);
        try (Coordinator coordinator = Coordinator.start(config)) {
            BenchParties parties = BenchParties.on(coordinator, config);
            URI url = parties.url();
            CorralClient anonymous = parties.anonymous();
            CorralClient supplier = parties.supplier();
            CorralClient customer = parties.customer();
            DeployRequest oneRank = new DeployRequest("bench-heal", null, true, null, 1, 1, null, Runtimes.PROCESS,
                    RANK_COMMAND, Map.of(), null, null).withRecovery("replace", null);
            List<WorkerAgent> agents = new ArrayList<>();
            try {
                agents.add(agent(url, supplier, directory, 0));
                agents.add(agent(url, supplier, directory, 1));
                await("2 idle devices", () -> anonymous.networkStats().devicesIdle() >= 2);
                long[] healed = new long[rounds];
                long[] fresh = new long[rounds];
                for (int round = 0; round <= rounds; round++) {
                    // A fresh deploy to RUNNING, then the same rank healed; round 0 is untimed (the JIT, the caches).
                    long start = System.nanoTime();
                    ClusterView placed = customer.deploy(oneRank, null);
                    await("RUNNING", () -> "RUNNING".equals(customer.clusterSummary(placed.clusterId()).state()));
                    long freshNanos = System.nanoTime() - start;
                    String lostDevice = customer.cluster(placed.clusterId()).ranks().getFirst().deviceId();
                    WorkerAgent lost = agents.stream().filter(a -> a.deviceId().value().equals(lostDevice)).findFirst()
                            .orElseThrow();
                    lost.close();
                    agents.remove(lost);
                    await("the rank started on the idle device", () -> {
                        ClusterView now = customer.cluster(placed.clusterId());
                        return now.replacements().size() == 1 && "STARTED".equals(now.ranks().getFirst().state());
                    });
                    ClusterView now = customer.cluster(placed.clusterId());
                    Instant lastSeen = now.replacements().getFirst().lastSeenAt();
                    Instant restarted = now.ranks().getFirst().startedAt();
                    customer.terminate(placed.clusterId());
                    agents.add(agent(url, supplier, directory, round + 2));
                    await("2 idle devices", () -> anonymous.networkStats().devicesIdle() >= 2);
                    if (round > 0) {
                        healed[round - 1] = Duration.between(lastSeen, restarted).toNanos();
                        fresh[round - 1] = freshNanos;
                    }
                }
                Arrays.sort(healed);
                Arrays.sort(fresh);
                double h = healed[rounds / 2] / 1e6;
                double f = heartbeatTimeout.toMillis() + fresh[rounds / 2] / 1e6;
                out.printf("lost device's last heartbeat to its rank started on another, median of %d rounds: %.0f ms "
                        + "(%.0f-%.0f); heartbeat timeout %d ms, so %.0f ms past it%n", rounds, h, healed[0] / 1e6,
                        healed[rounds - 1] / 1e6, heartbeatTimeout.toMillis(), h - heartbeatTimeout.toMillis());
                out.printf("floor: the heartbeat timeout + a fresh one-rank deploy to RUNNING (median %.0f ms) = %.0f ms%n",
                        fresh[rounds / 2] / 1e6, f);
                out.printf("ratio: healed / floor %.2f%n", h / f);
                out.flush();
            } finally {
                agents.forEach(WorkerAgent::close);
            }
        }
    }

    private static WorkerAgent agent(URI url, CorralClient supplier, Path directory, int number) throws Exception {
        return WorkerAgent.start(AgentConfig.of(url, supplier.joinToken().token(), directory.resolve("agent-" + number),
                true).withHeartbeatInterval(HEARTBEAT_INTERVAL).withBandwidthProbeInterval(Duration.ZERO)
                .withNvidiaSmi("/nonexistent/nvidia-smi").withContainerEngine(AgentConfig.NO_CONTAINER_ENGINE));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        BenchParties.await(what, WAIT_MAX, STATE_POLL, condition);
    }
}
