package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.OfferView;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.ledger.EpochRewards;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.ServerTrust;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import dev.corral.store.Database;
import dev.corral.store.TestDatabases;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real Corral network on loopback for one test: a coordinator (embedded H2 or a fresh
 * PostgreSQL schema) with short timeouts, and real worker agents in this JVM that share a
 * clock the test can move forward. Checks on close that every currency's balances sum to zero.
 */
public final class TestNetwork implements AutoCloseable {
    /** The stores a coordinator runs on: every end-to-end scenario runs on each. */
    public enum Store {
        H2,
        POSTGRES
    }

    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(200);
    static final Duration POLL_WAIT = Duration.ofSeconds(2);
    static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration SWEEP_INTERVAL = Duration.ofMillis(100);
    static final Duration WAIT_MAX = Duration.ofSeconds(30);
    public static final String ADMIN_KEY = "test-admin-key-0123456789";
    /**
     * No work asked, so every challenge is the smallest ({@code ChallengePolicy.SIZE_MIN}) and
     * cheap to answer in tests; the standard one is measured by the benchmark.
     */
    static final Duration CHALLENGE_WORK = Duration.ZERO;
    /**
     * Devices join this long after the network's first epoch began, so they are online for too
     * little of it (under 90%) to earn its availability reward: epoch 1 is every test's first paid one.
     */
    static final Duration FIRST_DEVICES_AFTER_GENESIS = Duration.ofMinutes(10);
    /**
     * Devices get their challenge on joining, then about once a year of test time: tests move the
     * clock by hours at a stroke, and a device cannot answer a challenge whose deadline a jump
     * has already passed, which would count against its reputation. For the same reason
     * availability rewards here need uptime only, not a challenge passed in each epoch, except
     * on a network made {@link #withAvailabilityProofs}.
     */
    static final Duration CHALLENGE_MEAN_INTERVAL = Duration.ofDays(365);

    public final TestClock clock = new TestClock();
    /** No later than the coordinator's genesis, which its first start takes from the clock. */
    private final Instant genesisAtLatest;
    final Path directory;
    private final String postgresUrl;
    private CoordinatorConfig config;
    private Coordinator coordinator;
    private final List<WorkerAgent> agents = new ArrayList<>();
    private final Map<WorkerAgent, AgentConfig> agentConfigs = new HashMap<>();
    private int agentCount;
    private boolean ledgerCheckedOnClose = true;
    public URI url;
    public CorralClient anonymous;
    CorralClient admin;

    private TestNetwork(Store store, Path directory, UnaryOperator<CoordinatorConfig> adjust,
            Duration devicesJoinAfter) {
        this.directory = directory;
        this.postgresUrl = store == Store.POSTGRES ? TestDatabases.newPostgresSchema() : null;
        CoordinatorConfig base = adjust.apply(CoordinatorConfig.embedded(directory.resolve("coordinator"), 0)
                .withAdminKey(ADMIN_KEY).withRateLimits(RateLimits.Policy.NONE).withTls(TlsSettings.PLAIN_HTTP)
                .withTimeouts(HEARTBEAT_TIMEOUT, POLL_WAIT, DEPLOY_TIMEOUT, SWEEP_INTERVAL)
                .withClock(clock).withChallenges(CHALLENGE_MEAN_INTERVAL, CHALLENGE_WORK, false));
        this.config = postgresUrl == null ? base : base.withJdbcUrl(postgresUrl);
        this.genesisAtLatest = clock.instant();
        startCoordinator();
        clock.advance(devicesJoinAfter);
    }

    /** The usual test network on this store, its files (agents', and H2's) in this directory. */
    public static TestNetwork on(Store store, Path directory) {
        return new TestNetwork(store, directory, UnaryOperator.identity(), FIRST_DEVICES_AFTER_GENESIS);
    }

    /**
     * The network as it runs for real, only faster and without moving the clock: epochs of this
     * length, challenges about every quarter of one (at most half apart), and availability
     * rewards only for devices that passed one in the epoch.
     */
    static TestNetwork withAvailabilityProofs(Store store, Path directory, Duration epochLength) {
        return new TestNetwork(store, directory, config -> config
                .withEpochs(epochLength, EpochRewards.COMPUTE_SHARE_BASIS_POINTS_DEFAULT)
                .withChallenges(epochLength.dividedBy(4), CHALLENGE_WORK, true), Duration.ZERO);
    }

    /** A network whose coordinator limits how often a client may call it, as in production. */
    static TestNetwork withRateLimits(Store store, Path directory, RateLimits.Policy policy) {
        TestNetwork network = new TestNetwork(store, directory, config -> config.withRateLimits(policy),
                FIRST_DEVICES_AFTER_GENESIS);
        // Its tests spend this address's calls on purpose: none may be left for the check at the end.
        network.ledgerCheckedOnClose = false;
        return network;
    }

    /** A network whose coordinator serves HTTPS with the certificate it made, as in production; its clients pin it. */
    public static TestNetwork overHttps(Store store, Path directory) {
        return new TestNetwork(store, directory, config -> config.withTls(TlsSettings.SELF_MADE),
                FIRST_DEVICES_AFTER_GENESIS);
    }

    /** The SHA-256 of the certificate the coordinator serves; empty over plain HTTP. */
    public Optional<String> certificateSha256() {
        return coordinator.certificateSha256();
    }

    /**
     * A network that declares a silent device lost after this long instead of {@link #HEARTBEAT_TIMEOUT},
     * and fails a cluster deployed to fail on a lost device at once when no idle device can take its rank.
     */
    static TestNetwork withHeartbeatTimeout(Store store, Path directory, Duration timeout) {
        return new TestNetwork(store, directory, config -> config.withTimeouts(timeout, POLL_WAIT, DEPLOY_TIMEOUT,
                SWEEP_INTERVAL).withReplacementWait(Duration.ZERO), FIRST_DEVICES_AFTER_GENESIS);
    }

    /** A network whose challenges ask this much work of each device's claimed hardware (the usual network asks none). */
    static TestNetwork withChallengeWork(Store store, Path directory, Duration work) {
        return new TestNetwork(store, directory, config -> config.withChallenges(CHALLENGE_MEAN_INTERVAL, work, false),
                FIRST_DEVICES_AFTER_GENESIS);
    }

    private void startCoordinator() {
        coordinator = Coordinator.start(config);
        config = config.withPort(coordinator.port());
        url = coordinator.url();
        anonymous = new CorralClient(url, null, coordinator.certificateSha256().map(ServerTrust::pinned)
                .orElseGet(ServerTrust::systemCertificates));
        admin = anonymous.withKey(ADMIN_KEY);
    }

    /**
     * Waits until the coordinator has closed every epoch whose end the clock has passed (by more
     * than a second, the most its genesis can lie after {@link #genesisAtLatest}): their rewards
     * are paid in the background, after the clock moved.
     */
    public void awaitEpochsDue() {
        Duration length = config.epochLength();
        long due = Duration.between(genesisAtLatest, clock.instant().minusSeconds(1)).toMillis() / length.toMillis();
        await(due + " epochs closed", () -> anonymous.epochs(0, EpochRecord.PAGE_MAX).size() >= due);
    }

    /**
     * Stops the coordinator (if one runs: a start may have been refused) and starts it again on
     * the same store and port; agents keep running.
     */
    void restartCoordinator() {
        stopCoordinator();
        startCoordinator();
    }

    /**
     * Stops the coordinator and starts it again on the same store with a changed configuration;
     * if that start is refused, the configuration stays as it was, for the next restart.
     */
    void restartCoordinatorWith(UnaryOperator<CoordinatorConfig> change) {
        stopCoordinator();
        CoordinatorConfig kept = config;
        config = change.apply(kept);
        try {
            startCoordinator();
        } catch (RuntimeException e) {
            config = kept;
            throw e;
        }
    }

    private void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
            coordinator = null;
        }
    }

    /** Stops the coordinator, runs this while it is down, then starts it again on the same store and port. */
    void restartCoordinatorAfter(ThrowingRunnable whileDown) throws Exception {
        stopCoordinator();
        try {
            whileDown.run();
        } finally {
            startCoordinator();
        }
    }

    /** Work done while the coordinator is down. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A customer's one-rank CPU job runs to its end on a device online, then two epochs close over it. */
    public void aJobRunToItsEndThenTwoEpochsClosed() {
        CorralClient alice = customer("alice", "5");
        ClusterView cluster = alice.deploy(new DeployRequest(null, null, true, null, 1, 1, null, "process", "sleep 1",
                Map.of(), null, null), null);
        awaitState(alice, cluster.clusterId(), "COMPLETED");
        clock.advance(Duration.ofMinutes(130));
        awaitEpochsDue();
    }

    /** A new account with this much USD credited. */
    public CorralClient customer(String name, String usd) {
        AccountCreated account = anonymous.createAccount(name);
        CorralClient client = anonymous.withKey(account.apiKey());
        if (usd != null) {
            admin.credit(account.accountId(), usd, "fund-" + account.accountId());
        }
        return client;
    }

    /** A supplier account with this many idle devices, each a real agent running ranks as child processes. */
    public CorralClient supplierWithDevices(String name, int devices) throws Exception {
        CorralClient supplier = customer(name, null);
        offeredAgents(supplier, devices);
        return supplier;
    }

    /** Starts this many agents for the owner and returns them once placement offers all their devices. */
    List<WorkerAgent> offeredAgents(CorralClient owner, int devices) throws Exception {
        return offeredAgents(owner, devices, false);
    }

    /**
     * The same, with watchdogs if asked: the agents then leave their containers running when
     * closed, for themselves restarted (and at this JVM's end, their watchdogs remove them).
     */
    List<WorkerAgent> offeredAgents(CorralClient owner, int devices, boolean watchdog) throws Exception {
        return offeredAgentsAt(owner, Collections.nCopies(devices, AgentConfig.ADVERTISE_HOST_DEFAULT), watchdog);
    }

    /**
     * Starts one agent for the owner per host, each advertising its host to the network (loopback
     * addresses such as 127.0.0.2 and 127.0.0.3 stand for separate hosts on this machine), and
     * returns them once placement offers all their devices.
     */
    List<WorkerAgent> offeredAgentsAt(CorralClient owner, List<String> hosts, boolean watchdog) throws Exception {
        int devices = hosts.size();
        int idleBefore = anonymous.networkStats().devicesIdle();
        int offeredBefore = offered();
        List<WorkerAgent> started = new ArrayList<>();
        for (String host : hosts) {
            started.add(agent(owner, url, host, watchdog));
        }
        awaitIdleDevices(idleBefore + devices);
        // The store says idle a moment before placement's index has them: wait for what deploys and quotes see.
        await(devices + " more devices offered", () -> offered() >= offeredBefore + devices);
        return started;
    }

    /** A real agent for this owner, running ranks as child processes or, through the engine, in containers. */
    public WorkerAgent agent(CorralClient owner) throws Exception {
        return agent(owner, url, AgentConfig.ADVERTISE_HOST_DEFAULT, false);
    }

    /** A real agent for this owner that reaches the coordinator at this address (through a proxy, say). */
    WorkerAgent agentVia(CorralClient owner, URI server) throws Exception {
        return agent(owner, server, AgentConfig.ADVERTISE_HOST_DEFAULT, false);
    }

    /** A real agent for this owner whose GPUs are what this nvidia-smi command says. */
    WorkerAgent agentWithNvidiaSmi(CorralClient owner, Path nvidiaSmi) throws Exception {
        return start(agentConfig(url, owner.joinToken().token(), AgentConfig.ADVERTISE_HOST_DEFAULT, false)
                .withNvidiaSmi(nvidiaSmi.toString()));
    }

    /** A real agent joining with this token the server at this address (which need not be this network's). */
    WorkerAgent agentJoining(URI server, String joinToken) throws Exception {
        return start(agentConfig(server, joinToken, AgentConfig.ADVERTISE_HOST_DEFAULT, false));
    }

    /** A real agent for this owner that runs no ranks: no processes, and no container engine. */
    WorkerAgent agentWithoutRuntimes(CorralClient owner) throws Exception {
        String token = owner.joinToken().token();
        return start(AgentConfig.of(url, token, directory.resolve("agent-" + agentCount++), false)
                .withHeartbeatInterval(HEARTBEAT_INTERVAL).withClock(clock).withNvidiaSmi("/nonexistent/nvidia-smi")
                .withBandwidthProbeInterval(Duration.ZERO).withContainerEngine(AgentConfig.NO_CONTAINER_ENGINE));
    }

    /** A real agent for this owner on a port the coordinator opens for it besides its first. */
    WorkerAgent agentOnExtraPort(CorralClient owner) throws Exception {
        return agent(owner, URI.create("http://127.0.0.1:" + coordinator.openExtraPort()),
                AgentConfig.ADVERTISE_HOST_DEFAULT, false);
    }

    private WorkerAgent agent(CorralClient owner, URI server, String advertiseHost, boolean watchdog) throws Exception {
        return start(agentConfig(server, owner.joinToken().token(), advertiseHost, watchdog));
    }

    private AgentConfig agentConfig(URI server, String token, String advertiseHost, boolean watchdog) {
        return AgentConfig.of(server, token, directory.resolve("agent-" + agentCount++), true)
                .withHeartbeatInterval(HEARTBEAT_INTERVAL).withClock(clock).withNvidiaSmi("/nonexistent/nvidia-smi")
                .withBandwidthProbeInterval(Duration.ZERO).withWatchdog(watchdog).withAdvertiseHost(advertiseHost);
    }

    /** A real agent for this owner that has the coordinator measure its bandwidth when it starts. */
    WorkerAgent agentMeasuringBandwidth(CorralClient owner) throws Exception {
        return start(AgentConfig.of(url, owner.joinToken().token(), directory.resolve("agent-" + agentCount++), true)
                .withHeartbeatInterval(HEARTBEAT_INTERVAL).withClock(clock).withNvidiaSmi("/nonexistent/nvidia-smi"));
    }

    /** Stops the agent and starts it again from its data directory, without a join token. */
    WorkerAgent restartAgent(WorkerAgent agent) throws Exception {
        agent.close();
        AgentConfig previous = agentConfigs.get(agent);
        return start(new AgentConfig(previous.server(), null, previous.dataDirectory(), previous.region(),
                previous.advertiseHost(), previous.allowProcessRuntime(), previous.heartbeatInterval(),
                previous.pollWait(), previous.bandwidthProbeInterval(), previous.nvidiaSmi(), previous.containerEngine(),
                previous.watchdog(), previous.clock()));
    }

    /**
     * Whether this text is anywhere in the coordinator's store, as its bytes on disk: every
     * file of the H2 store (read with the coordinator stopped, then started again), or a
     * pg_dump of the PostgreSQL schema's data.
     */
    boolean storeHolds(String text) throws Exception {
        byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
        if (postgresUrl == null) {
            boolean[] found = new boolean[1];
            restartCoordinatorAfter(() -> {
                try (Stream<Path> files = Files.walk(config.dataDirectory())) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        found[0] |= contains(Files.readAllBytes(file), wanted);
                    }
                }
            });
            return found[0];
        }
        String schema = postgresUrl.substring(postgresUrl.indexOf("currentSchema=") + "currentSchema=".length());
        Process dump = new ProcessBuilder("pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-n", schema,
                "--data-only").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] data = dump.getInputStream().readAllBytes();
        assertThat(dump.waitFor()).as("pg_dump of schema %s", schema).isZero();
        return contains(data, wanted);
    }

    private static boolean contains(byte[] data, byte[] wanted) {
        outer:
        for (int i = 0; i + wanted.length <= data.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (data[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Changes the store behind the coordinator's back, as someone with access to its files or server could. */
    void tamper(String statement) throws Exception {
        String jdbc = postgresUrl != null ? postgresUrl : Database.embeddedUrl(config.dataDirectory());
        try (Connection connection = DriverManager.getConnection(jdbc); Statement update = connection.createStatement()) {
            assertThat(update.executeUpdate(statement)).as(statement).isPositive();
        }
    }

    /** Where this agent keeps its key, its device id and its ranks' work directories. */
    Path dataDirectory(WorkerAgent agent) {
        return agentConfigs.get(agent).dataDirectory();
    }

    private WorkerAgent start(AgentConfig agentConfig) throws Exception {
        WorkerAgent agent = WorkerAgent.start(agentConfig);
        agents.add(agent);
        agentConfigs.put(agent, agentConfig);
        return agent;
    }

    /** Devices that offer search, quotes and placement see available now. */
    int offered() {
        return anonymous.offers(null, null).stream().mapToInt(OfferView::available).sum();
    }

    public void awaitIdleDevices(int count) {
        await("" + count + " idle devices", () -> anonymous.networkStats().devicesIdle() >= count);
    }

    public ClusterView awaitState(CorralClient owner, String clusterId, String... states) {
        Set<String> wanted = Set.of(states);
        ClusterView[] last = new ClusterView[1];
        try {
            await("cluster " + clusterId + " in " + wanted, () -> {
                last[0] = owner.cluster(clusterId);
                return wanted.contains(last[0].state());
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it was last " + describe(last[0]), e);
        }
        return last[0];
    }

    /** What a failed wait says of the cluster it waited for: its state, reason and ranks. */
    private static String describe(ClusterView cluster) {
        if (cluster == null) {
            return "never read";
        }
        return cluster.state() + (cluster.reason() == null ? "" : " (" + cluster.reason() + ")") + ", ranks "
                + cluster.ranks().stream().map(rank -> rank.rank() + " " + rank.state()
                        + (rank.exitCode() == null ? "" : " exit " + rank.exitCode())).toList();
    }

    public static void await(String what, BooleanSupplier condition) {
        await(what, WAIT_MAX, condition);
    }

    /** Waits up to {@code max} for the condition (a whole training run, say). */
    public static void await(String what, Duration max, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(max);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + max.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Asked with the admin key: a test of the public routes' rate limit may have spent this address's calls. */
    void assertLedgerSumsToZero() {
        for (NetworkStats.LedgerTotal total : admin.networkStats().ledger()) {
            assertThat(total.balanceSumMinor()).as("balances of %s sum to zero", total.currency()).isZero();
        }
    }

    @Override
    public void close() {
        try {
            agents.forEach(WorkerAgent::close);
            if (ledgerCheckedOnClose) {
                assertLedgerSumsToZero();
            }
        } finally {
            stopCoordinator();
            if (postgresUrl != null) {
                TestDatabases.dropPostgresSchema(postgresUrl);
            }
        }
    }
}
