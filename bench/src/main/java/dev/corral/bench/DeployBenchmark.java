package dev.corral.bench;

import dev.corral.agent.ChildJvm;
import dev.corral.core.Runtimes;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.scheduler.ScarcityPolicy;
import dev.corral.sdk.CorralClient;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `corral bench deploy`: a coordinator on an embedded store in this process and many real
 * worker agents spread over a few agent processes (`corral bench agents`: each agent with its
 * own key, heartbeats and long-poll over loopback, sharing its process's kept connections), then one
 * cluster over all of them: the time from the deploy call until the cluster is RUNNING, that
 * is until every rank's process has started and reported so; and, measured first, its floor:
 * the time to start as many rank processes directly ({@link RankStartFloor}).
 *
 * <p>Why several agent processes: the JDK starts a child by listing the parent's open files
 * in /proc/self/fd (to close them in the child), so one process holding every agent's sockets
 * and every rank's pipes pays for all of them on every rank it starts (a kernel profile of
 * 1,111 agents in one process: most of the time in proc inode allocation). A real agent runs
 * one device and holds a handful. Each agent process talks to a port of the coordinator's own
 * ({@link dev.corral.server.Coordinator#openExtraPort}), as agents on a real network come from
 * addresses of their own.
 */
final class DeployBenchmark {
    static final Duration HEARTBEAT_INTERVAL_MIN = Duration.ofSeconds(15);
    /**
     * Heartbeats a second from all agents together, at most: with more agents each beats less
     * often, so that what is measured is the deploy, not a coordinator on two shared cores
     * answering 740 heartbeats a second from 11,111 agents (`corral bench heartbeats` measures that).
     */
    static final int HEARTBEATS_PER_SECOND_MAX = 75;
    /** A device is offline after this many heartbeat intervals without one. */
    static final int HEARTBEAT_TIMEOUT_INTERVALS = 6;
    /** Enough for every round of the largest cluster of CPU devices, an hour each. */
    static final String CUSTOMER_CREDIT_USD = "100000";
    static final int ROUNDS_DEFAULT = 2;
    static final int ROUNDS_MAX = 10;
    /** A rank that starts one program and waits: the least work a rank's own process can add. */
    static final String RANK_COMMAND_DEFAULT = "sleep 600";
    /** The coordinator's and the agents' own default. */
    static final Duration POLL_WAIT = CoordinatorConfig.POLL_WAIT_DEFAULT;
    /** How long the fleet's CPU is measured at rest by default, once all agents are idle and before the first round. */
    static final int REST_SECONDS_DEFAULT = 20;
    static final int REST_SECONDS_MAX = 600;
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    static final Duration WAIT_MAX = Duration.ofMinutes(10);
    static final Duration STATE_POLL = Duration.ofMillis(100);
    /** Agent processes by default: enough that no one process holds many agents' sockets and ranks' pipes. */
    static final int HOSTS_DEFAULT = 8;
    static final int HOSTS_MAX = 64;
    static final int HOST_HEAP_MB = 512;
    /**
     * The serial collector, which the JVM picks itself on a machine with one CPU or under 1,792 MB,
     * as a lone agent's would: no concurrent collector threads in eight processes competing with
     * the coordinator for two cores (1,000 devices, second round: 3.37, 3.41, 3.71 and 3.97 s
     * against 4.02 and 4.28 s with G1, alternately; third round: 2.76-3.37 s against 3.16-3.31 s).
     */
    static final List<String> HOST_JVM_OPTIONS = List.of("-XX:+UseSerialGC");
    /** The agent processes' scheduling niceness (0..19): they yield the CPU to the coordinator. */
    static final String AGENT_NICENESS = "10";
    static final Duration HOST_STOP_WAIT = Duration.ofSeconds(30);
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

    /** How often each of this many agents sends a heartbeat. */
    static Duration heartbeatInterval(int agents) {
        Duration spread = Duration.ofMillis(Math.ceilDiv(agents * 1000L, HEARTBEATS_PER_SECOND_MAX));
        return spread.compareTo(HEARTBEAT_INTERVAL_MIN) > 0 ? spread : HEARTBEAT_INTERVAL_MIN;
    }

    /** @param jdbcUrl an empty PostgreSQL schema for the coordinator's store, or null for the embedded one */
    static void run(int devices, int rounds, int processes, String rankCommand, Duration rest, String jdbcUrl,
            Path directory, PrintWriter out) throws Exception {
        // The floor first, while this process holds few open files: the JDK closes every one in each child it
        // starts, so from a process holding the coordinator's thousands of sockets it took 4 times as long.
        Duration floor = RankStartFloor.time(devices, rankCommand);
        print(out, "floor: %,d processes of the rank command started directly from this process in %.2f s", devices,
                floor.toNanos() / 1e9);
        int agentCount = agentsFor(devices);
        Duration heartbeatInterval = heartbeatInterval(agentCount);
        CoordinatorConfig embedded = CoordinatorConfig.embedded(directory.resolve("coordinator"), 0)
                .withAdminKey("bench-admin-key-" + System.nanoTime())
                .withRateLimits(RateLimits.Policy.NONE).withTls(TlsSettings.PLAIN_HTTP)
                .withTimeouts(heartbeatInterval.multipliedBy(HEARTBEAT_TIMEOUT_INTERVALS), POLL_WAIT, DEPLOY_TIMEOUT,
                        SWEEP_INTERVAL)
                .withChallenges(CHALLENGE_MEAN_INTERVAL, CHALLENGE_WORK, false);
        CoordinatorConfig config = jdbcUrl == null ? embedded : embedded.withJdbcUrl(jdbcUrl);
        List<Process> hosts = new ArrayList<>();
        try (Coordinator coordinator = Coordinator.start(config)) {
            // The agents stop first: stopped after the coordinator, each would log its refused heartbeats.
            try {
                URI url = URI.create("http://127.0.0.1:" + coordinator.port());
                CorralClient anonymous = new CorralClient(url, null);
                AccountCreated supplierAccount = anonymous.createAccount("bench-supplier");
                long start = System.nanoTime();
                for (int p = 0; p < processes; p++) {
                    int count = agentCount / processes + (p < agentCount % processes ? 1 : 0);
                    // A port of its own per agent process: see Coordinator.openExtraPort.
                    URI hostUrl = p == 0 ? url : URI.create("http://127.0.0.1:" + coordinator.openExtraPort());
                    hosts.add(startAgentHost(hostUrl, supplierAccount.apiKey(), count, heartbeatInterval,
                            directory.resolve("host-" + p)));
                }
                awaitIdle(hosts, anonymous, agentCount);
                print(out, "%,d agents in %d agent processes (a heartbeat every %d s each) registered and idle in "
                        + "%.1f s", agentCount, processes, heartbeatInterval.toSeconds(),
                        (System.nanoTime() - start) / 1e9);
                if (rest.isPositive()) {
                    CpuUse.Snapshot restStart = CpuUse.now(hosts);
                    Thread.sleep(rest.toMillis());
                    print(out, "  CPU used at rest (%,.0f work polls answered and %,.0f heartbeats a second): %s",
                            agentCount / (double) POLL_WAIT.toSeconds(),
                            agentCount / (double) heartbeatInterval.toSeconds(),
                            CpuUse.describe(restStart, CpuUse.now(hosts)));
                }

                AccountCreated customerAccount = anonymous.createAccount("bench-customer");
                CorralClient customer = anonymous.withKey(customerAccount.apiKey());
                anonymous.withKey(config.adminKey()).credit(customerAccount.accountId(), CUSTOMER_CREDIT_USD,
                        "bench-credit");
                for (int round = 1; round <= rounds; round++) {
                    print(out, "round %d of %d%s:", round, rounds, round == 1
                            ? " (every process just started: code not yet compiled by the JVM)" : "");
                    Duration running = deployOnce(customer, devices, rankCommand, hosts, out);
                    print(out, "  ratio (RUNNING after the call / floor) %.1f",
                            running.toNanos() / (double) Math.max(1, floor.toNanos()));
                    awaitQuiet(hosts, anonymous, agentCount);
                }
            } finally {
                stopAgentHosts(hosts);
            }
        }
    }

    /**
     * Deploys a cluster of this many devices, waits until it is RUNNING, then terminates it;
     * prints the times and returns the time from the call to RUNNING.
     */
    private static Duration deployOnce(CorralClient customer, int devices, String rankCommand, List<Process> hosts,
            PrintWriter out) throws InterruptedException {
        DeployRequest request = new DeployRequest("bench", null, true, null, devices, 1, null, Runtimes.PROCESS,
                rankCommand, Map.of(), null, null);
        CpuUse.Snapshot cpuBefore = CpuUse.now(hosts);
        long deployStart = System.nanoTime();
        ClusterView cluster = customer.deploy(request, null);
        long deployed = System.nanoTime();
        await("the cluster RUNNING", () -> isRunning(customer, cluster.clusterId()));
        long running = System.nanoTime();
        CpuUse.Snapshot cpuRunning = CpuUse.now(hosts);
        print(out, "  deploy of %,d devices: the call took %.0f ms, RUNNING %.2f s after the call", devices,
                (deployed - deployStart) / 1e6, (running - deployStart) / 1e9);
        printRankTimeline(out, customer.cluster(cluster.clusterId()));
        print(out, "  CPU used until RUNNING: %s", CpuUse.describe(cpuBefore, cpuRunning));
        long terminating = System.nanoTime();
        customer.terminate(cluster.clusterId());
        print(out, "  terminate call (escrow settled, devices released; the agents stop their ranks after) took %.2f s",
                (System.nanoTime() - terminating) / 1e9);
        return Duration.ofNanos(running - deployStart);
    }

    /**
     * Waits until the round's ranks have exited (no agent process has a child left) and every
     * device is idle again, so that neither the floor nor the next round pays for it.
     */
    private static void awaitQuiet(List<Process> hosts, CorralClient anonymous, int agentCount)
            throws InterruptedException {
        await("the last round's ranks to exit", () -> hosts.stream().allMatch(host -> {
            requireAlive(host);
            return host.descendants().findAny().isEmpty();
        }));
        awaitIdle(hosts, anonymous, agentCount);
    }

    /** Waits until every agent's device is idle, failing at once if an agent process has exited. */
    private static void awaitIdle(List<Process> hosts, CorralClient anonymous, int agentCount)
            throws InterruptedException {
        await("every agent's device idle", () -> {
            hosts.forEach(DeployBenchmark::requireAlive);
            return anonymous.networkStats().devicesIdle() >= agentCount;
        });
    }

    /**
     * When the ranks started, counted from the cluster's creation: rank 0 first (the others
     * are sent out once it reports its address), then the others by share.
     */
    private static void printRankTimeline(PrintWriter out, ClusterView cluster) {
        List<Duration> others = cluster.ranks().stream().filter(r -> r.rank() > 0)
                .map(r -> Duration.between(cluster.createdAt(), r.startedAt())).sorted().toList();
        Duration first = cluster.ranks().stream().filter(r -> r.rank() == 0).findFirst()
                .map(r -> Duration.between(cluster.createdAt(), r.startedAt())).orElseThrow();
        StringBuilder line = new StringBuilder(String.format("  ranks started after creation: rank 0 %.2f s",
                first.toMillis() / 1e3));
        for (int percent : new int[] {10, 50, 90, 100}) {
            if (!others.isEmpty()) {
                Duration at = others.get(Math.max(0, (int) Math.ceil(others.size() * percent / 100.0) - 1));
                line.append(String.format(", %d%% of the others %.2f s", percent, at.toMillis() / 1e3));
            }
        }
        print(out, "%s", line);
    }

    /** Runs {@link AgentHost} (`corral bench agents`) in a new JVM; it stops its agents when its standard input closes. */
    private static Process startAgentHost(URI url, String apiKey, int count, Duration heartbeatInterval, Path data)
            throws IOException {
        Files.createDirectories(data);
        // Niced: on a real network the coordinator has its own machine, and the scheduler shares a CPU by thread,
        // so hundreds of agent threads starved its two carriers (999 woken polls answered over 13 s; niced, in 2 s).
        List<String> command = new ArrayList<>(List.of("nice", "-n", AGENT_NICENESS));
        command.addAll(ChildJvm.command(AgentHost.class, HOST_HEAP_MB, HOST_JVM_OPTIONS, List.of("--server",
                url.toString(), "--count", Integer.toString(count), "--heartbeat-interval",
                Long.toString(heartbeatInterval.toSeconds()), "--data", data.toString())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("agents.log").toFile());
        builder.environment().put(AgentHost.API_KEY_VARIABLE, apiKey);
        return builder.start();
    }

    private static void requireAlive(Process host) {
        if (!host.isAlive()) {
            throw new IllegalStateException("an agent process exited with " + host.exitValue() + "; see its agents.log");
        }
    }

    private static void stopAgentHosts(List<Process> hosts) throws InterruptedException {
        for (Process host : hosts) {
            try {
                host.getOutputStream().close();
            } catch (IOException e) {
                host.destroy();
            }
        }
        for (Process host : hosts) {
            if (!host.waitFor(HOST_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                host.destroyForcibly();
            }
        }
    }

    private static boolean isRunning(CorralClient customer, String clusterId) {
        String state = customer.clusterSummary(clusterId).state();
        if (!state.equals("RUNNING") && !state.equals("PENDING") && !state.equals("DEPLOYING")) {
            throw new IllegalStateException("the cluster ended " + state + " before it ran");
        }
        return state.equals("RUNNING");
    }

    private interface Condition {
        boolean holds();
    }

    private static void await(String what, Condition condition) throws InterruptedException {
        BenchParties.await(what, WAIT_MAX, STATE_POLL, condition::holds);
    }

    private static void print(PrintWriter out, String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}
