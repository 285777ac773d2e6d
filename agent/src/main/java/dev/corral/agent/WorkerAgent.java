package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.model.Container;
import dev.corral.core.DeviceId;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Runtimes;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.Endpoint;
import dev.corral.core.protocol.Assignment;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.ChallengeRows;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.core.protocol.ChallengeWalk;
import dev.corral.core.protocol.Heartbeat;
import dev.corral.core.protocol.LogBatch;
import dev.corral.core.protocol.RankExitAnswer;
import dev.corral.core.protocol.RankExited;
import dev.corral.core.protocol.RankPulling;
import dev.corral.core.protocol.RankStarted;
import dev.corral.core.protocol.RegisterRequest;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker daemon: registers the device once with its owner's join token, then sends
 * signed heartbeats and long-polls for the ranks it must run, starting and stopping them
 * so that what runs matches what the coordinator wants, and reporting their start, output
 * and exit. It survives coordinator restarts by retrying with bounded back-off.
 */
public final class WorkerAgent implements AutoCloseable {
    /** A rank's output is looked for and shipped this soon after it last wrote some... */
    static final Duration LOG_FLUSH_INTERVAL = Duration.ofMillis(500);
    /**
     * ...and, while it writes nothing, half as often each time, down to once per this: a host
     * of many quiet ranks (`corral bench deploy`: 1,250 per agent process) wakes a quarter as often.
     */
    static final Duration LOG_FLUSH_INTERVAL_MAX = Duration.ofSeconds(2);
    /**
     * The first bandwidth probe runs on a JVM just started and under-reports a fast link (over loopback
     * here: 103 Mbit/s down at start, 407-476 once warm), so a second follows this soon after it.
     */
    static final Duration BANDWIDTH_SECOND_PROBE_AFTER = Duration.ofMinutes(5);
    /** A failed bandwidth probe (the coordinator busy with others, say) is tried again about this much later. */
    static final Duration BANDWIDTH_RETRY_DELAY = Duration.ofMinutes(1);
    /**
     * Each wait between probes is drawn between (1 - this) and (1 + this) times its length, so
     * agents turned away together do not all come back together.
     */
    static final double BANDWIDTH_JITTER = 0.5;
    /** The most the agent downloads (and so uploads) for a probe, whatever the coordinator sends: it sends 8 MiB. */
    static final long BANDWIDTH_PROBE_BYTES_MAX = 64L << 20;
    static final int LOG_BATCH_LINES_MAX = 500;
    /** Connections an agent keeps for reuse: its work poll, its heartbeat, and reports under way. */
    static final int CONNECTIONS_PER_AGENT = 4;
    /**
     * How long an unused connection is kept for the next request: past the agent's default heartbeat
     * interval, inside the coordinator's own idle timeout (Jetty's 30 s), so that a kept connection
     * is rarely one the coordinator has closed.
     */
    static final Duration CONNECTION_IDLE_MAX = Duration.ofSeconds(20);
    /** Exit codes for ranks the agent ended or could not start; the report's error says which. */
    static final int EXIT_CANNOT_RUN = 127;
    static final int EXIT_LOST = 137;
    /**
     * The shortest lease: an agent that has not reached the coordinator for its heartbeat timeout
     * less one heartbeat interval stops its ranks (the coordinator is about to declare the device
     * lost and refund the customer), but never after less than this, so a blip or a quick
     * coordinator restart stops nothing.
     */
    static final Duration RANK_LEASE_MIN = Duration.ofSeconds(10);
    /**
     * While a rank's image is pulled, its progress goes to the coordinator (for the cluster's
     * view) this often when it has changed, and every {@link RankPulling#REPORT_EVERY_MAX} when
     * not, which keeps the cluster's deployment waiting for it.
     */
    static final Duration PULL_REPORT_INTERVAL = Duration.ofSeconds(2);
    /** How long a rank being started afresh (its head moved, or it was placed here again) may take to stop. */
    static final Duration RELAUNCH_STOP_WAIT = RankProcess.STOP_GRACE.plusSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(WorkerAgent.class);

    private final AgentConfig config;
    private final AgentClient client;
    private final HardwareProbe probe;
    private final HardwareSpec hardware;
    private final DeviceId device;
    private final ChallengeEngine engine;
    private final Optional<ContainerEngine> containers;
    private final DataDirectoryLock lock;
    /**
     * Rank containers of this device left by an earlier run of the agent, by rank key: the first
     * work answer adopts those of clusters still live and removes the rest.
     */
    private final Map<String, String> leftoverContainers;
    /** The user process ranks run as, apart from the agent's: none where the agent cannot switch users. */
    private final Optional<RankIsolation> rankIsolation;
    private final ContainerPlan.DeviceLimits limits;
    private final Map<String, RunningRank> running = new ConcurrentHashMap<>();
    /** Container ranks whose image is being pulled or whose container is being made, by key. */
    private final Set<String> starting = ConcurrentHashMap.newKeySet();
    /** The ranks the coordinator listed in its latest answer: a container that finishes starting after it dropped one stops. */
    private volatile Set<String> wantedNow = Set.of();
    /** Ranks started whose start the coordinator has not yet acknowledged, by key: the next work poll carries them. */
    private final Map<String, StartReport> startsToReport = new ConcurrentHashMap<>();
    /**
     * Ranks that ended here, by key, with the placement they ended in: a rank lost and placed on
     * this device again (a later placement) starts afresh.
     */
    private final Map<String, Integer> finished = new ConcurrentHashMap<>();
    /** The head address each running rank was started with, by key: a rank whose head moved starts again. */
    private final Map<String, String> startedWithHead = new ConcurrentHashMap<>();
    /** The next log sequence number of each rank this agent ran, by key: a rank started again numbers on from it. */
    private final Map<String, Long> logSeqNext = new ConcurrentHashMap<>();
    /** The placement each running rank was started in, by key: a later one given to this device starts afresh. */
    private final Map<String, Integer> runningPlacement = new ConcurrentHashMap<>();
    /** Ranks whose program exited and whose exit is being reported, or which wait to start again, by key. */
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();
    /** Ranks being stopped to start afresh (their head moved, or they were placed here again), by key. */
    private final Set<String> relaunching = ConcurrentHashMap.newKeySet();
    /**
     * Ranks stopped because the coordinator no longer lists them: it has ended them itself, so
     * their exit is not reported (a 10,000-device cluster's end would otherwise bring 10,000
     * reports that change nothing).
     */
    private final Set<String> stoppedOnRequest = ConcurrentHashMap.newKeySet();
    /** Ranks stopped because the coordinator could not be reached for longer than the lease: their exit is reported as lost. */
    private final Set<String> stoppedForLease = ConcurrentHashMap.newKeySet();
    /** When a heartbeat last reached the coordinator ({@link System#nanoTime}), and its heartbeat timeout as it last said. */
    private volatile long lastHeartbeatNanos = System.nanoTime();
    private volatile long heartbeatTimeoutMillis;
    private final AtomicLong exitsNotReported = new AtomicLong();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closing;

    private WorkerAgent(AgentConfig config, AgentClient client, HardwareProbe probe, HardwareSpec hardware,
            DeviceId device, ChallengeEngine engine, Optional<ContainerEngine> containers, DataDirectoryLock lock,
            Map<String, String> leftoverContainers) {
        this.config = config;
        this.client = client;
        this.probe = probe;
        this.hardware = hardware;
        this.device = device;
        this.engine = engine;
        this.containers = containers;
        this.lock = lock;
        this.leftoverContainers = new ConcurrentHashMap<>(leftoverContainers);
        this.rankIsolation = config.allowProcessRuntime() ? RankIsolation.of(device, config.dataDirectory())
                : Optional.empty();
        this.limits = new ContainerPlan.DeviceLimits(hardware.memoryMb(), hardware.cpuCores(),
                containers.isPresent() ? probe.offeredGpuIds(hardware) : List.of());
    }

    /**
     * Has this process keep enough connections to the coordinator for this many agents, for
     * reuse between requests. The JDK keeps 5 idle connections per server, for 5 s when the
     * server names no time (Jetty names none): a process of many agents would open a connection
     * for nearly every request, and a lone agent's heartbeats would find theirs closed. Takes
     * effect only before the process's first request over HTTP (the JDK reads both once); a
     * value set on the command line stands.
     */
    public static void keepConnectionsFor(int agents) {
        setIfAbsent("http.maxConnections", Integer.toString(Math.multiplyExact(agents, CONNECTIONS_PER_AGENT)));
        setIfAbsent("http.keepAlive.time.server", Long.toString(CONNECTION_IDLE_MAX.toSeconds()));
        // A request on a connection the coordinator had closed fails, rather than going again unseen
        // with the same nonce (which a coordinator that did receive it refuses as a replay): the
        // agent's own retries sign it anew.
        setIfAbsent("sun.net.http.retryPost", "false");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Registers if needed (blocking, with bounded retries), then runs in background threads until closed. */
    public static WorkerAgent start(AgentConfig config) throws IOException, InterruptedException {
        requireNonNull(config, "config is null");
        Files.createDirectories(config.dataDirectory());
        DeviceIdentity identity = DeviceIdentity.loadOrCreate(config.dataDirectory());
        DeviceId device = identity.deviceId().orElse(null);
        if (device == null && config.joinToken() == null) {
            throw new IllegalArgumentException("this device is not registered yet: pass the owner's join token");
        }
        CoordinatorTrust trust = CoordinatorTrust.of(config.dataDirectory(), config.joinToken());
        boolean pinned = Files.exists(config.dataDirectory().resolve(CoordinatorTrust.PIN_FILE));
        DataDirectoryLock lock = DataDirectoryLock.take(config.dataDirectory());
        // Ranks of a run of this agent that died without stopping them: the coordinator has written them off.
        RankProcess.stopLeftovers(workRoot(config));
        AgentClient client = new AgentClient(config.server(), identity, trust, config.clock());
        Optional<ContainerEngine> containers = ContainerEngine.detect(config.containerEngine());
        containers.ifPresent(c -> LOG.info("ranks run in containers: {}", c.description()));
        HardwareProbe probe = new HardwareProbe(config.nvidiaSmi());
        HardwareSpec hardware = probe.detect(containers.flatMap(ContainerEngine::storageRoot)
                .orElse(config.dataDirectory()));
        ChallengeEngine engine = ChallengeEngines.best(hardware);
        if (device == null) {
            RegisterRequest request = new RegisterRequest(CoordinatorKey.tokenSecret(config.joinToken()),
                    identity.publicKeyText(), hardware, config.region(), config.advertiseHost(),
                    runtimes(config, engine, containers));
            String[] registered = new String[1];
            try {
                registered[0] = untilTrusted("registration", () -> client.register(request).deviceId(), config);
                trust.save(config.dataDirectory());
            } catch (IOException | InterruptedException | RuntimeException e) {
                engine.close();
                containers.ifPresent(ContainerEngine::close);
                lock.close();
                throw e;
            }
            device = new DeviceId(registered[0]);
            identity.saveDeviceId(device);
        } else if (!pinned) {
            // Registered before coordinators were pinned: the join token given now names the coordinator to keep.
            untilTrusted("coordinator identity", () -> {
                client.proveCoordinator();
                return null;
            }, config);
            trust.save(config.dataDirectory());
        }
        Map<String, String> leftovers = containers.isPresent() ? leftovers(containers.get(), device) : Map.of();
        if (config.watchdog()) {
            AgentWatchdog.watch(config.dataDirectory(), device, containers.map(ContainerEngine::host));
        }
        WorkerAgent agent = new WorkerAgent(config, client, probe, hardware, device, engine, containers, lock,
                leftovers);
        if (config.allowProcessRuntime()) {
            agent.rankIsolation.ifPresentOrElse(isolation -> LOG.info("process ranks run {}", isolation.description()),
                    () -> LOG.warn("process ranks run as this agent's own user and can read its files, its device key "
                            + "included: this machine allows neither a user of their own (the agent is not root) nor "
                            + "namespaces (util-linux unshare, unprivileged user namespaces)"));
        }
        LOG.info("device {} ({}) serving {}", device, hardware.describe(), config.server());
        // Virtual threads: an agent blocks only on HTTP, timers and its ranks' exits, so a host running
        // thousands of agents (`corral bench deploy`) needs no operating-system thread per agent.
        agent.threads.add(Thread.ofVirtual().name("agent-heartbeat").start(agent::heartbeats));
        agent.threads.add(Thread.ofVirtual().name("agent-work").start(agent::pollWork));
        if (config.bandwidthProbeInterval().isPositive()) {
            agent.threads.add(Thread.ofVirtual().name("agent-bandwidth").start(agent::measureBandwidth));
        }
        return agent;
    }

    /**
     * Runs a call to the coordinator with bounded retries, except that a server that is not the
     * pinned coordinator ends it at once: the device's first start must not wait minutes to say so.
     */
    private static <T> T untilTrusted(String what, TrustedCall<T> call, AgentConfig config)
            throws IOException, InterruptedException {
        List<T> answer = new ArrayList<>(1);
        List<CoordinatorTrust.UntrustedCoordinatorException> untrusted = new ArrayList<>(1);
        boolean done = Retry.call(what, () -> {
            try {
                answer.add(call.run());
            } catch (CoordinatorTrust.UntrustedCoordinatorException e) {
                untrusted.add(e);
            }
        });
        if (!untrusted.isEmpty()) {
            throw untrusted.getFirst();
        }
        if (!done) {
            throw new IOException(what + " with " + config.server() + " failed; see the log above");
        }
        return answer.getFirst();
    }

    @FunctionalInterface
    private interface TrustedCall<T> {
        T run() throws IOException, InterruptedException;
    }

    public DeviceId deviceId() {
        return device;
    }

    /** Answers this agent refused as not its coordinator's (a proxy's changes, say): none of them was acted on. */
    public long answersRefused() {
        return client.answersRefused();
    }

    /**
     * Ranks whose process ended and whose exit this agent did not report, because it stopped them
     * itself: for the coordinator, which had ended them, or on its way out.
     */
    public long exitsNotReported() {
        return exitsNotReported.get();
    }

    public HardwareSpec hardware() {
        return hardware;
    }

    /** The runtimes this agent runs ranks in: {@code container} with an engine, {@code process} where allowed. */
    public List<String> rankRuntimes() {
        return runtimes(config, engine, containers).stream().filter(r -> !Runtimes.CUDA.equals(r)).toList();
    }

    /** Blocks until {@link #close} is called. */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    /** The running rank containers of this device that an earlier run of the agent left, by rank key; the others removed. */
    private static Map<String, String> leftovers(ContainerEngine containers, DeviceId device) {
        Map<String, String> running = new HashMap<>();
        for (Container leftover : containers.ranksOf(device.value())) {
            Map<String, String> labels = leftover.getLabels() == null ? Map.of() : leftover.getLabels();
            if ("running".equals(leftover.getState()) && labels.containsKey(ContainerPlan.LABEL_CLUSTER)) {
                running.put(labels.get(ContainerPlan.LABEL_CLUSTER) + "/" + labels.get(ContainerPlan.LABEL_RANK),
                        leftover.getId());
            } else {
                containers.remove(leftover.getId());
            }
        }
        return running;
    }

    /**
     * Follows a container an earlier run of this agent started for this rank, which still runs:
     * its log from the start (the coordinator stores a line it has once) and its exit.
     */
    private boolean adopt(Assignment assignment) {
        String key = key(assignment);
        String id = leftoverContainers.remove(key);
        if (id == null || containers.isEmpty()) {
            return false;
        }
        try {
            RankContainer container = RankContainer.follow(containers.get(), id,
                    workRoot(config).resolve(assignment.clusterId() + "-" + assignment.rank())
                            .resolve(RankProcess.OUTPUT_FILE),
                    Optional.ofNullable(assignment.container()).map(ContainerSpec::diskGb)
                            .map(gb -> gb * ContainerPlan.BYTES_PER_GB));
            LOG.info("{}: serving again the container an earlier run of this agent started", key);
            StartReport start = started(assignment, container, assignment.headAddr(), List.of(),
                    () -> withSsh(container.startAgain(), assignment));
            delivered(start);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot follow its container {} again: {}", key, id, e.getMessage());
            containers.get().remove(id);
            return false;
        }
    }

    private static List<String> runtimes(AgentConfig config, ChallengeEngine engine,
            Optional<ContainerEngine> containers) {
        List<String> runtimes = new ArrayList<>();
        if (containers.isPresent()) {
            runtimes.add(Runtimes.CONTAINER);
        }
        if (config.allowProcessRuntime()) {
            runtimes.add(Runtimes.PROCESS);
        }
        if (engine.gpu()) {
            runtimes.add(Runtimes.CUDA);
        }
        return List.copyOf(runtimes);
    }

    private void heartbeats() {
        boolean failing = false;
        while (!closing) {
            try {
                client.heartbeat(device, new Heartbeat(hardware, probe.telemetry(hardware), config.advertiseHost(),
                        runtimes(config, engine, containers)));
                lastHeartbeatNanos = System.nanoTime();
                if (failing) {
                    LOG.info("heartbeats reach {} again", config.server());
                }
                failing = false;
            } catch (IOException e) {
                if (!failing) {
                    LOG.warn("heartbeat failed: {}", e.getMessage());
                }
                failing = true;
            } catch (InterruptedException e) {
                return;
            }
            stopRanksPastLease();
            if (!sleep(config.heartbeatInterval())) {
                return;
            }
        }
    }

    /** How long this agent runs its ranks without reaching the coordinator; empty until the coordinator said its timeout. */
    Optional<Duration> rankLease() {
        long timeout = heartbeatTimeoutMillis;
        if (timeout <= 0) {
            return Optional.empty();
        }
        Duration lease = Duration.ofMillis(timeout).minus(config.heartbeatInterval());
        return Optional.of(lease.compareTo(RANK_LEASE_MIN) < 0 ? RANK_LEASE_MIN : lease);
    }

    /** Whether no heartbeat has reached the coordinator for longer than the rank lease. */
    private boolean leaseRunOut() {
        Optional<Duration> lease = rankLease();
        return lease.isPresent() && silentFor().compareTo(lease.get()) > 0;
    }

    /** How long since a heartbeat last reached the coordinator. */
    private Duration silentFor() {
        return Duration.ofNanos(System.nanoTime() - lastHeartbeatNanos);
    }

    /** Stops every rank when no heartbeat has reached the coordinator for longer than the lease. */
    private void stopRanksPastLease() {
        if (!leaseRunOut() || running.isEmpty()) {
            return;
        }
        LOG.warn("no heartbeat has reached {} for {} s (lease {} s): stopping {} ranks", config.server(),
                silentFor().toSeconds(), rankLease().orElseThrow().toSeconds(), running.size());
        for (Map.Entry<String, RunningRank> entry : running.entrySet()) {
            if (stoppedForLease.add(entry.getKey())) {
                Thread.ofVirtual().name("stop-" + entry.getKey()).start(() -> stop(entry.getValue()));
            }
        }
    }

    private static void stop(RunningRank rank) {
        try {
            rank.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("stopping a rank failed: {}", e.getMessage());
        }
    }

    /** Has the coordinator measure the link to this device now and then at the configured interval. */
    private void measureBandwidth() {
        boolean first = true;
        while (!closing) {
            Duration next = config.bandwidthProbeInterval();
            if (first && BANDWIDTH_SECOND_PROBE_AFTER.compareTo(next) < 0) {
                next = BANDWIDTH_SECOND_PROBE_AFTER;
            }
            first = false;
            try {
                AgentClient.ProbeDownload download = client.downloadProbe(device, BANDWIDTH_PROBE_BYTES_MAX);
                Map<?, ?> measured = client.uploadProbe(device, download, new byte[(int) download.bytes()]);
                LOG.info("bandwidth to the coordinator: {} Mbit/s down, {} Mbit/s up: connectivity tier {}",
                        measured.get("downMbps"), measured.get("upMbps"), measured.get("connectivityTier"));
            } catch (IOException e) {
                LOG.warn("bandwidth probe failed: {}", e.getMessage());
                next = next.compareTo(BANDWIDTH_RETRY_DELAY) < 0 ? next : BANDWIDTH_RETRY_DELAY;
            } catch (InterruptedException e) {
                return;
            }
            if (!sleep(jittered(next))) {
                return;
            }
        }
    }

    static Duration jittered(Duration wait) {
        double factor = 1 + BANDWIDTH_JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, (long) (wait.toMillis() * factor)));
    }

    /**
     * Polls for work, each poll carrying the starts of the ranks the last one launched: the poll
     * that follows a start at once is its report, one request instead of two.
     */
    private void pollWork() {
        String known = null;
        Duration backoff = Retry.DELAY_FIRST;
        while (!closing) {
            List<StartReport> carried = List.copyOf(startsToReport.values());
            try {
                WorkResponse work = client.work(device, known, config.pollWait(),
                        new WorkPoll(carried.stream().map(StartReport::started).toList()));
                carried.forEach(this::delivered);
                known = work.version();
                heartbeatTimeoutMillis = work.heartbeatTimeoutMillis();
                backoff = Retry.DELAY_FIRST;
                reconcile(work.assignments());
                answer(work.challenges());
            } catch (IOException e) {
                LOG.debug("work poll failed: {}", e.getMessage());
                if (e instanceof AgentClient.RefusedException refused && refused.isFinal() && !carried.isEmpty()) {
                    // Reports the coordinator refuses with a poll go on their own, so that none can hold the polls up.
                    for (StartReport start : carried) {
                        startsToReport.remove(start.key, start);
                        Thread.ofVirtual().start(() -> {
                            try {
                                reportAlone(start);
                            } catch (InterruptedException interrupted) {
                                Thread.currentThread().interrupt();
                            }
                        });
                    }
                }
                if (!sleep(backoff)) {
                    return;
                }
                backoff = Retry.next(backoff);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Answers each challenge once, in the background, on the engine of the GPU it names: compute
     * the product; with a memory part fill the table, say so, and walk it from the seed that
     * comes back; commit, then open the rows asked for. A challenge still computing at its
     * deadline is given up: a late commitment counts for nothing.
     */
    private void answer(List<ChallengeTask> challenges) {
        List<ChallengeTask> tasks = challenges == null ? List.of() : challenges;
        // The coordinator lists only challenges still waiting for a commitment: the others need no memory here.
        answered.retainAll(tasks.stream().map(ChallengeTask::challengeId).toList());
        for (ChallengeTask task : tasks) {
            if (!WorkValidation.valid(task)) {
                LOG.warn("passing over a challenge whose id is not an id");
                continue;
            }
            if (!answered.add(task.challengeId())) {
                continue;
            }
            Optional<ChallengeEngine> card = engine.card(task.gpu());
            if (card.isEmpty()) {
                LOG.warn("challenge {} is for GPU {}, which this agent cannot compute on: not answered",
                        task.challengeId(), task.gpu());
                continue;
            }
            Thread.ofVirtual().name("challenge-" + task.challengeId()).start(() -> {
                try {
                    BooleanSupplier late = () -> config.clock().instant().isAfter(task.deadline());
                    MatrixChallenge.Answer answer = card.get().compute(new MatrixChallenge.Spec(task.seed(),
                            task.size()), late);
                    MemoryWalk.Answer walks = null;
                    if (task.memory() != null) {
                        try (ChallengeEngine.FilledTable table = card.get().fill(MemoryWalk.Spec.of(task.seed(),
                                task.memory()), late)) {
                            ChallengeWalk walk = client.filled(device, task.challengeId());
                            if (walk.walkSeed() == null) {
                                LOG.info("challenge {}: LATE (its table was filled after the deadline)",
                                        task.challengeId());
                                return;
                            }
                            walks = table.walk(walk.walkSeed(), () -> config.clock().instant().isAfter(walk.deadline()));
                        }
                    }
                    ChallengeRows rows = client.commit(device, task.challengeId(), new ChallengeCommit(answer.root(),
                            walks == null ? null : walks.root()));
                    if (rows.rows().length > 0) {
                        String outcome = client.open(device, task.challengeId(), new ChallengeOpening(
                                MatrixChallenge.open(answer, rows.rows()), walks == null || rows.walkRows() == null
                                        ? null : MemoryWalk.open(walks, rows.walkRows())));
                        LOG.info("challenge {}: {}", task.challengeId(), outcome);
                    }
                } catch (IOException | IllegalArgumentException | CancellationException
                        | CudaChallengeEngine.CudaException e) {
                    LOG.warn("challenge {} not answered: {}", task.challengeId(), e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /**
     * Starts the ranks wanted and not running, stops the ranks running and no longer wanted. An
     * assignment the agent cannot use safely (an id that is not an id) is passed over.
     */
    private void reconcile(List<Assignment> sent) throws InterruptedException {
        List<Assignment> assignments = new ArrayList<>();
        for (Assignment assignment : sent) {
            Optional<String> problem = WorkValidation.problem(assignment);
            if (problem.isPresent()) {
                LOG.warn("passing over an assignment the agent cannot use: {}", problem.get());
            } else {
                assignments.add(assignment);
            }
        }
        Set<String> wanted = new HashSet<>();
        for (Assignment assignment : assignments) {
            wanted.add(key(assignment));
        }
        wantedNow = Set.copyOf(wanted);
        for (Assignment assignment : assignments) {
            String key = key(assignment);
            if (headMoved(assignment) || placedAgain(assignment)) {
                relaunch(assignment);
                continue;
            }
            if (running.containsKey(key) || restarting.contains(key) || finishedIn(key, assignment.placement())
                    || starting.contains(key) || relaunching.contains(key)) {
                continue;
            }
            if (assignment.started() && adopt(assignment)) {
                continue;
            }
            if (assignment.started()) {
                // This agent reported the rank started, then restarted: the process it ran is gone.
                finished.put(key, assignment.placement());
                Thread.ofVirtual().start(() -> reportFailure(assignment, EXIT_LOST, RankExited.CAUSE_DEVICE,
                        "the worker agent restarted while the rank ran"));
            } else {
                launch(assignment);
            }
        }
        // What the first answer did not adopt belongs to clusters that have ended.
        for (String key : List.copyOf(leftoverContainers.keySet())) {
            String id = leftoverContainers.remove(key);
            if (id != null) {
                LOG.info("{}: removing the container an earlier run of this agent left; its cluster has ended", key);
                containers.ifPresent(engine -> Thread.ofVirtual().start(() -> engine.remove(id)));
            }
        }
        for (Map.Entry<String, RunningRank> entry : running.entrySet()) {
            if (!wanted.contains(entry.getKey())) {
                LOG.info("stopping {}: the coordinator no longer wants it", entry.getKey());
                if (stoppedOnRequest.add(entry.getKey())) {
                    // In the background: a stop waits out the rank's grace period, and polls go on meanwhile.
                    Thread.ofVirtual().name("stop-" + entry.getKey()).start(() -> stop(entry.getValue()));
                }
            }
        }
    }

    /** Whether this running rank (not the head) was started with another head address than its cluster's now. */
    private boolean headMoved(Assignment assignment) {
        String key = key(assignment);
        String startedWith = startedWithHead.get(key);
        return assignment.rank() > 0 && running.containsKey(key) && startedWith != null
                && assignment.headAddr() != null && !startedWith.equals(assignment.headAddr())
                && !relaunching.contains(key);
    }

    /**
     * Whether this running rank is an earlier placement of one the coordinator has given this
     * device again (it took the device for lost while the rank ran, and placed the rank here anew).
     */
    private boolean placedAgain(Assignment assignment) {
        String key = key(assignment);
        Integer runs = runningPlacement.get(key);
        return running.containsKey(key) && runs != null && assignment.placement() > runs
                && !relaunching.contains(key);
    }

    /**
     * Stops a running rank and starts it afresh: its cluster's head moved to another device (its
     * rank 0 was lost and replaced), as torchrun restarts its workers when the group changes; or
     * the coordinator placed it here again. The old run's exit is not reported: the coordinator
     * already counts the new one as its rank.
     */
    private void relaunch(Assignment assignment) {
        String key = key(assignment);
        RunningRank old = running.get(key);
        relaunching.add(key);
        stoppedOnRequest.add(key);
        LOG.info("{}: starting it again (head {}, placement {})", key, assignment.headAddr(), assignment.placement());
        Thread.ofVirtual().name("relaunch-" + key).start(() -> {
            try {
                stop(old);
                // Its supervisor lets go of it once its last lines are shipped.
                long deadline = System.nanoTime() + RELAUNCH_STOP_WAIT.toNanos();
                while (running.get(key) == old && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                if (!closing && wantedNow.contains(key) && running.get(key) != old) {
                    launch(assignment);
                } else {
                    LOG.warn("{}: not started again: its earlier run did not stop in time", key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                relaunching.remove(key);
            }
        });
    }

    private void launch(Assignment assignment) {
        String key = key(assignment);
        if (Runtimes.CONTAINER.equals(assignment.type()) && containers.isPresent() && assignment.container() != null) {
            starting.add(key);
            Thread.ofVirtual().name("start-" + key).start(() -> startContainer(assignment));
            return;
        }
        if (!Runtimes.PROCESS.equals(assignment.type()) || !config.allowProcessRuntime()) {
            finished.put(key, assignment.placement());
            Thread.ofVirtual().start(() -> reportFailure(assignment, EXIT_CANNOT_RUN, RankExited.CAUSE_DEVICE,
                    "runtime '" + assignment.type() + "' is not enabled on this device"));
            return;
        }
        String headAddr = assignment.headAddr();
        RankProcess process;
        try {
            if (assignment.rank() == 0) {
                headAddr = config.advertiseHost() + ":" + freePort();
            }
            process = RankProcess.start(assignment, headAddr,
                    workRoot(config).resolve(assignment.clusterId() + "-" + assignment.rank()), rankIsolation);
        } catch (IOException e) {
            finished.put(key, assignment.placement());
            Thread.ofVirtual().start(() -> reportFailure(assignment, EXIT_CANNOT_RUN, RankExited.CAUSE_DEVICE,
                    "cannot start: " + e.getMessage()));
            return;
        }
        String head = headAddr;
        started(assignment, process, headAddr, List.of(), () -> RankProcess.start(assignment, head,
                workRoot(config).resolve(assignment.clusterId() + "-" + assignment.rank()), rankIsolation));
    }

    /** Starts a rank's program again where it ran, after it failed: the same container, or the same command. */
    @FunctionalInterface
    private interface StartAgain {
        RunningRank start() throws IOException, InterruptedException;
    }

    /**
     * Starts the SSH server of a container rank whose cluster gave SSH keys; why it could not
     * goes into the rank's log, and the rank runs on without it.
     */
    private RankContainer withSsh(RankContainer container, Assignment assignment) throws InterruptedException {
        List<String> keys = assignment.container().sshKeyLines();
        if (!keys.isEmpty()) {
            containers.orElseThrow().startSsh(container.id(), keys).ifPresent(problem -> {
                LOG.warn("{}: no SSH: {}", key(assignment), problem);
                container.note("no SSH: " + problem);
            });
        }
        return container;
    }

    /**
     * A rank now running: its start goes with the next work poll, and a thread ships its output
     * and exit, and starts it again when the coordinator says so.
     */
    private StartReport started(Assignment assignment, RunningRank rank, String headAddr, List<Endpoint> endpoints,
            StartAgain again) {
        String key = key(assignment);
        running.put(key, rank);
        runningPlacement.put(key, assignment.placement());
        if (assignment.headAddr() != null) {
            startedWithHead.put(key, assignment.headAddr());
        }
        StartReport start = new StartReport(key, new WorkPoll.StartedRank(assignment.clusterId(), assignment.rank(),
                assignment.rank() == 0 ? headAddr : null, endpoints, assignment.placement()));
        startsToReport.put(key, start);
        Thread.ofVirtual().name("rank-" + key).start(() -> supervise(assignment, rank, start, again));
        return start;
    }

    /**
     * Pulls the rank's image if the engine lacks it and starts its container; a rank that cannot
     * start fails with the reason. Rank 0 publishes a free port of this host as the cluster's
     * head address, and every rank a free host port for each port it declares.
     */
    private void startContainer(Assignment assignment) {
        String key = key(assignment);
        try {
            Optional<Integer> headPort = assignment.rank() == 0 ? Optional.of(freePort()) : Optional.empty();
            String headAddr = headPort.map(port -> config.advertiseHost() + ":" + port).orElse(assignment.headAddr());
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < assignment.container().declaredPorts().size(); i++) {
                ports.add(freePort());
            }
            ContainerEngine engine = containers.orElseThrow();
            ContainerPlan plan = ContainerPlan.of(device.value(), assignment, headAddr, headPort, ports, limits,
                    engine.reach(config.advertiseHost()));
            PullTally pull = new PullTally();
            Thread pullReports = reportPull(assignment, pull);
            RankContainer container;
            try {
                container = engine.start(plan, workRoot(config).resolve(assignment.clusterId() + "-" + assignment.rank())
                                .resolve(RankProcess.OUTPUT_FILE), pull);
            } finally {
                pullReports.interrupt();
            }
            if (closing || !wantedNow.contains(key)) {
                container.stop();
                finished.put(key, assignment.placement());
                return;
            }
            List<ContainerSpec.Port> declared = assignment.container().declaredPorts();
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < declared.size(); i++) {
                endpoints.add(new Endpoint(declared.get(i).toString(), config.advertiseHost() + ":" + ports.get(i)));
            }
            withSsh(container, assignment);
            StartReport start = started(assignment, container, headAddr, endpoints,
                    () -> withSsh(container.startAgain(), assignment));
            // Started after the poll that asked for it went out, which the coordinator may hold for its whole
            // wait: the start goes on its own now.
            if (!start.delivered) {
                reportAlone(start);
            }
        } catch (IOException | RuntimeException e) {
            finished.put(key, assignment.placement());
            LOG.warn("{} cannot start: {}", key, e.getMessage());
            reportFailure(assignment, EXIT_CANNOT_RUN, RankExited.CAUSE_IMAGE,
                    e instanceof ContainerEngine.ImageUnavailable
                    ? e.getMessage() : "cannot start its container: " + ContainerEngine.firstLine(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            starting.remove(key);
        }
    }

    /**
     * Reports the progress of the rank's image pull, once it begins, until interrupted: every
     * {@link #PULL_REPORT_INTERVAL} while it changes, at least every
     * {@link RankPulling#REPORT_EVERY_MAX}. A report that does not arrive is not sent again: the
     * next one says more.
     */
    private Thread reportPull(Assignment assignment, PullTally pull) {
        return Thread.ofVirtual().name("pull-" + key(assignment)).start(() -> {
            PullTally.Progress sent = null;
            Instant sentAt = Instant.MIN;
            while (sleep(PULL_REPORT_INTERVAL)) {
                PullTally.Progress now = pull.progress();
                Instant at = Instant.now();
                if (!pull.started() || now.equals(sent) && at.isBefore(sentAt.plus(RankPulling.REPORT_EVERY_MAX))) {
                    continue;
                }
                try {
                    if (tryOnce(() -> client.pulling(device, assignment.clusterId(),
                            new RankPulling(assignment.rank(), now.bytesDone(), now.bytesTotal())))) {
                        sent = now;
                        sentAt = at;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** A rank's start, reported by the next work poll, or on its own if the rank exits before that poll is answered. */
    private static final class StartReport {
        private final String key;
        private final WorkPoll.StartedRank started;
        private volatile boolean delivered;

        StartReport(String key, WorkPoll.StartedRank started) {
            this.key = key;
            this.started = started;
        }

        WorkPoll.StartedRank started() {
            return started;
        }
    }

    private void delivered(StartReport start) {
        start.delivered = true;
        startsToReport.remove(start.key, start);
    }

    /** Reports a start in a request of its own, retried as every report is. */
    private void reportAlone(StartReport start) throws InterruptedException {
        startsToReport.remove(start.key, start);
        WorkPoll.StartedRank started = start.started();
        Retry.call("start report for " + start.key, () -> client.started(device, started.clusterId(),
                new RankStarted(started.rank(), started.headAddr(), started.endpoints(), started.placement())));
        start.delivered = true;
    }

    /**
     * Ships output while the rank runs, then reports the exit: after the start, which goes on its
     * own first if no work poll has delivered it yet (the coordinator must learn of the start before
     * the exit, and a poll carrying it may be held for its whole wait). A failed program the
     * coordinator has started again (its restart policy allows it) is followed the same way, its
     * output numbered on from the last line shipped.
     */
    private void supervise(Assignment assignment, RunningRank first, StartReport start, StartAgain again) {
        String key = key(assignment);
        String cluster = assignment.clusterId();
        RunningRank process = first;
        long seqFrom = Math.max(assignment.logSeqFrom(), logSeqNext.getOrDefault(key, 0L));
        int restarts = assignment.restarts();
        try {
            while (true) {
                int sent = 0;
                Duration flushInterval = LOG_FLUSH_INTERVAL;
                Integer exitCode = null;
                while (exitCode == null) {
                    exitCode = process.waitFor(flushInterval);
                    int before = sent;
                    sent = shipLogs(assignment, process, seqFrom, sent, exitCode != null);
                    Duration longer = flushInterval.multipliedBy(2);
                    flushInterval = sent > before ? LOG_FLUSH_INTERVAL
                            : longer.compareTo(LOG_FLUSH_INTERVAL_MAX) < 0 ? longer : LOG_FLUSH_INTERVAL_MAX;
                }
                seqFrom += sent;
                logSeqNext.put(key, seqFrom);
                // Exited: out of the running ranks (a lease stop or a relaunch has nothing to stop) while the
                // exit is reported and a restart waits.
                restarting.add(key);
                running.remove(key, process);
                if (stoppedOnRequest.remove(key) || closing) {
                    // Stopped for the coordinator, which has ended the rank; or the agent is going away and
                    // stopped it itself, which is not the rank's exit: the coordinator learns of that when
                    // the heartbeats stop.
                    done(key, assignment.placement(), process);
                    exitsNotReported.incrementAndGet();
                    return;
                }
                if (stoppedForLease.remove(key)) {
                    done(key, assignment.placement(), process);
                    reportFailure(assignment, EXIT_LOST, RankExited.CAUSE_DEVICE, "stopped by its agent, which could "
                            + "not reach the coordinator "
                            + "for " + rankLease().map(Duration::toSeconds).orElse(0L) + " s");
                    return;
                }
                int code = exitCode;
                LOG.info("{} exited with {}", key, code);
                if (!start.delivered) {
                    reportAlone(start);
                }
                Optional<String> because = process.endedBecause();
                if (because.isPresent()) {
                    done(key, assignment.placement(), process);
                    reportFailure(assignment, code, RankExited.CAUSE_LIMIT, because.get());
                    return;
                }
                RankExited exited = new RankExited(assignment.rank(), code, null, restarts, null,
                        assignment.placement());
                AtomicReference<RankExitAnswer> answer = new AtomicReference<>(RankExitAnswer.DONE);
                Retry.call("exit report for " + key, () -> answer.set(client.exited(device, cluster, exited)));
                if (!answer.get().restart()) {
                    done(key, assignment.placement(), process);
                    return;
                }
                LOG.info("{} starts again in {} ms (restart {})", key, answer.get().restartInMs(),
                        answer.get().restarts());
                Thread.sleep(answer.get().restartInMs());
                if (stoppedOnRequest.remove(key) || closing || !wantedNow.contains(key)) {
                    done(key, assignment.placement(), process);
                    return;
                }
                if (leaseRunOut()) {
                    done(key, assignment.placement(), process);
                    reportFailure(assignment, EXIT_LOST, RankExited.CAUSE_DEVICE, "not started again by its agent, "
                            + "which could not reach the coordinator for longer than its lease");
                    return;
                }
                stoppedForLease.remove(key);
                restarts = answer.get().restarts();
                try {
                    process = again.start();
                } catch (IOException | RuntimeException e) {
                    done(key, assignment.placement(), process);
                    reportFailure(assignment, EXIT_CANNOT_RUN, RankExited.CAUSE_IMAGE, "cannot start again: "
                            + ContainerEngine.firstLine(e.getMessage()));
                    return;
                }
                running.put(key, process);
                restarting.remove(key);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the rank ended here in this placement. */
    private boolean finishedIn(String key, int placement) {
        Integer ended = finished.get(key);
        return ended != null && ended == placement;
    }

    /** This run of the rank is over here; a run that took its place (started again afresh) goes on. */
    private void done(String key, int placement, RunningRank process) {
        finished.put(key, placement);
        restarting.remove(key);
        running.remove(key, process);
        if (!running.containsKey(key)) {
            startedWithHead.remove(key);
            runningPlacement.remove(key);
        }
    }

    /** Ships the lines from index {@code sent} on, numbered from {@code seqFrom}; returns how many are shipped. */
    private int shipLogs(Assignment assignment, RunningRank process, long seqFrom, int sent, boolean all)
            throws InterruptedException {
        while (true) {
            List<String> batch = process.linesFrom(sent, LOG_BATCH_LINES_MAX, all);
            if (batch.isEmpty()) {
                return sent;
            }
            long first = seqFrom + sent;
            boolean shipped = all
                    ? Retry.call("logs of " + key(assignment), () -> client.logs(device, assignment.clusterId(),
                            new LogBatch(assignment.rank(), first, batch)))
                    : tryOnce(() -> client.logs(device, assignment.clusterId(), new LogBatch(assignment.rank(), first, batch)));
            if (!shipped) {
                return sent;
            }
            sent += batch.size();
        }
    }

    /** Reports a rank the agent ended itself, or could not run, with the kind of reason ({@code RankExited.CAUSE_...}). */
    private void reportFailure(Assignment assignment, int exitCode, String cause, String why) {
        LOG.warn("rank {} of {} cannot run: {}", assignment.rank(), assignment.clusterId(), why);
        try {
            Retry.call("exit report", () -> client.exited(device, assignment.clusterId(),
                    new RankExited(assignment.rank(), exitCode, why.length() > RankExited.ERROR_LENGTH_MAX
                            ? why.substring(0, RankExited.ERROR_LENGTH_MAX) : why, null, cause,
                            assignment.placement())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean tryOnce(Retry.Call call) throws InterruptedException {
        try {
            call.run();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Where the ranks' work directories are, one per rank. */
    private static Path workRoot(AgentConfig config) {
        return workRoot(config.dataDirectory());
    }

    /** Where the ranks' work directories are under an agent's data directory. */
    static Path workRoot(Path dataDirectory) {
        return dataDirectory.resolve("work");
    }

    private static String key(Assignment assignment) {
        return assignment.clusterId() + "/" + assignment.rank();
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return !closing;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops polling and heartbeats and kills every rank this agent started. */
    @Override
    public void close() {
        closing = true;
        threads.forEach(Thread::interrupt);
        // Each rank has a grace period to stop in: they run out together, not one after another. With a watchdog,
        // containers run on: an agent restarted within its grace adopts them, else the watchdog removes them.
        try (ExecutorService stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            running.values().stream().filter(rank -> !(config.watchdog() && rank instanceof RankContainer))
                    .forEach(rank -> stopping.submit(() -> {
                        rank.stop();
                        return null;
                    }));
        }
        engine.close();
        containers.ifPresent(ContainerEngine::close);
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("cannot release {}: {}", DataDirectoryLock.FILE, e.getMessage());
        }
        stopped.countDown();
    }
}
