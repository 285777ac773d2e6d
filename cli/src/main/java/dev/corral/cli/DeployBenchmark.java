package dev.corral.cli;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.scheduler.ScarcityPolicy;
import dev.corral.sdk.CorralClient;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * `corral bench deploy`: a coordinator on an embedded store and many real worker agents in
 * this one process (each with its own key, heartbeats and long-poll over loopback, sharing
 * one HTTP client), then one cluster over all of them: the time from the deploy call until the
 * cluster is RUNNING, that is until every rank's process has started and reported so.
 */
final class DeployBenchmark {
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(90);
    static final Duration POLL_WAIT = Duration.ofSeconds(20);
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    static final Duration WAIT_MAX = Duration.ofMinutes(10);
    static final Duration STATE_POLL = Duration.ofMillis(100);
    /** Each device proves itself on joining with the smallest challenge (no work asked); later ones are a year apart. */
    static final Duration CHALLENGE_WORK = Duration.ZERO;
    static final Duration CHALLENGE_MEAN_INTERVAL = Duration.ofDays(365);

    private DeployBenchmark() {}

    /**
     * Agents enough for a cluster of this many devices: an unstaked customer may not take the
     * last tenth of a pool ({@link ScarcityPolicy}), so the pool is a little larger.
     */
    static int agentsFor(int devices) {
        int agents = devices;
        while (!ScarcityPolicy.allows(agents, devices, 0)) {
            agents++;
        }
        return agents;
    }

    static void run(int devices, Path directory, PrintWriter out) throws Exception {
        int agentCount = agentsFor(devices);
        CoordinatorConfig config = CoordinatorConfig.embedded(directory.resolve("coordinator"), 0)
                .withAdminKey("bench-admin-key-" + System.nanoTime())
                .withTimeouts(HEARTBEAT_TIMEOUT, POLL_WAIT, DEPLOY_TIMEOUT, SWEEP_INTERVAL)
                .withChallenges(CHALLENGE_MEAN_INTERVAL, CHALLENGE_WORK, false);
        List<WorkerAgent> agents = new ArrayList<>();
        try (Coordinator coordinator = Coordinator.start(config); HttpClient http = WorkerAgent.httpClient()) {
            URI url = URI.create("http://127.0.0.1:" + coordinator.port());
            CorralClient anonymous = new CorralClient(url, null);
            AccountCreated supplierAccount = anonymous.createAccount("bench-supplier");
            CorralClient supplier = anonymous.withKey(supplierAccount.apiKey());
            long start = System.nanoTime();
            for (int i = 0; i < agentCount; i++) {
                agents.add(WorkerAgent.start(AgentConfig.of(url, supplier.joinToken().token(),
                        directory.resolve("agent-" + i), true).withHeartbeatInterval(HEARTBEAT_INTERVAL)
                        .withNvidiaSmi("/nonexistent/nvidia-smi"), http));
            }
            await("every agent's device idle", () -> anonymous.networkStats().devicesIdle() >= agentCount);
            print(out, "%,d agents in this process registered and idle in %.1f s", agentCount,
                    (System.nanoTime() - start) / 1e9);

            AccountCreated customerAccount = anonymous.createAccount("bench-customer");
            CorralClient customer = anonymous.withKey(customerAccount.apiKey());
            anonymous.withKey(config.adminKey()).credit(customerAccount.accountId(), "100000", "bench-credit");
            DeployRequest request = new DeployRequest("bench", null, true, null, devices, 1, null, "process",
                    "sleep 600", Map.of(), null, null);
            long deployStart = System.nanoTime();
            ClusterView cluster = customer.deploy(request, null);
            long deployed = System.nanoTime();
            await("the cluster RUNNING", () -> isRunning(customer, cluster.clusterId()));
            long running = System.nanoTime();
            print(out, "deploy of %,d devices: the call took %.0f ms, RUNNING %.2f s after the call", devices,
                    (deployed - deployStart) / 1e6, (running - deployStart) / 1e9);
            customer.terminate(cluster.clusterId());
        } finally {
            agents.forEach(WorkerAgent::close);
        }
    }

    private static boolean isRunning(CorralClient customer, String clusterId) {
        String state = customer.cluster(clusterId).state();
        if (!state.equals("RUNNING") && !state.equals("PENDING") && !state.equals("DEPLOYING")) {
            throw new IllegalStateException("the cluster ended " + state + " before it ran");
        }
        return state.equals("RUNNING");
    }

    private interface Condition {
        boolean holds();
    }

    private static void await(String what, Condition condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT_MAX);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + WAIT_MAX.toMinutes() + " min");
            }
            Thread.sleep(STATE_POLL.toMillis());
        }
    }

    private static void print(PrintWriter out, String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}
