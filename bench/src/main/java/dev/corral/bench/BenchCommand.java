package dev.corral.bench;

import dev.corral.agent.ChallengeEngine;
import dev.corral.agent.ChallengeEngines;
import dev.corral.agent.CudaChallengeEngine;
import dev.corral.core.FileTrees;
import dev.corral.core.GpuModel;
import dev.corral.core.Sha256;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.merkle.MerkleTree;
import dev.corral.core.protocol.OpenedRow;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.scheduler.DevicePool;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `corral bench ledger|challenge|memory|placement|deploy|heartbeats|rank-start|heal` (and `agents`, which `deploy` runs):
 * benchmarks for BENCHMARKS.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Ledger.class, BenchCommand.Challenge.class, BenchCommand.Placement.class,
                BenchCommand.Deploy.class, BenchCommand.Heartbeats.class, BenchCommand.RankStart.class,
                BenchCommand.Heal.class, MemoryBenchmark.class,
                AgentHost.class})
public final class BenchCommand {
    private BenchCommand() {}

    /** A benchmark that keeps its stores, keys and agents' files in a directory of its own. */
    @FunctionalInterface
    private interface ScratchRun {
        void run(Path directory) throws Exception;
    }

    /**
     * The challenge engine {@code --engine} names: auto (the GPU when the agent can drive one, else
     * the CPU), cpu, or cuda (refused where the GPU engine cannot run).
     */
    static ChallengeEngine challengeEngine(String engineName) {
        if (!List.of("auto", "cpu", "cuda").contains(engineName)) {
            throw new IllegalArgumentException("--engine must be auto, cpu or cuda");
        }
        if (engineName.equals("cpu")) {
            return ChallengeEngines.cpu();
        }
        try {
            return CudaChallengeEngine.open();
        } catch (CudaChallengeEngine.CudaException e) {
            if (engineName.equals("cuda")) {
                throw new IllegalArgumentException("--engine cuda: the GPU engine cannot run here: " + e.getMessage());
            }
            return ChallengeEngines.cpu();
        }
    }

    /** The middle of the timed runs. */
    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** Runs the benchmark in a new temporary directory, deleted afterwards whatever happens; exit code 0. */
    private static int inScratchDirectory(ScratchRun benchmark) throws Exception {
        Path directory = Files.createTempDirectory("corral-bench-");
        try {
            benchmark.run(directory);
            return 0;
        } finally {
            FileTrees.delete(directory);
        }
    }

    @Command(name = "challenge", mixinStandardHelpOptions = true,
            description = "Time an availability challenge on this machine: the device's work (the whole product and "
                    + "its commitment, on the engine the agent would use) against the coordinator's check of the "
                    + "opened rows.")
    static final class Challenge implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--size", description = "Matrix size n (default: the standard challenge for this machine's "
                + "GPU on the cuda engine, or for its cores on the cpu engine).")
        Integer size;
        @Option(names = "--runs", defaultValue = "5", description = "Timed runs after one warm-up (default ${DEFAULT-VALUE}).")
        int runs;
        @Option(names = "--engine", defaultValue = "auto", description = "auto (the GPU when the agent can drive one, "
                + "else the CPU), cpu or cuda (default ${DEFAULT-VALUE}).")
        String engineName;
        @Option(names = "--check-only", description = "Time only the coordinator's check, for sizes too big to "
                + "compute here (a GPU's): the opened rows are computed alone and the rest of the commitment is filler.")
        boolean checkOnly;

        @Override
        public Integer call() {
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("--runs must be 1..100");
            }
            try (ChallengeEngine engine = checkOnly ? ChallengeEngines.cpu() : challengeEngine(engineName)) {
                return run(engine);
            }
        }

        private int run(ChallengeEngine engine) {
            PrintWriter out = spec.commandLine().getOut();
            int cores = Runtime.getRuntime().availableProcessors();
            double expectedSpeed = engine instanceof CudaChallengeEngine cuda
                    ? ChallengePolicy.gpuSpeed(GpuModel.parse(cuda.gpuName())).orElseThrow(() ->
                            new IllegalStateException("the catalog does not know " + cuda.gpuName()))
                    : cores * ChallengePolicy.CPU_CORE_MULTIPLY_ADDS_PER_SECOND;
            ChallengePolicy.Sizing standard = ChallengePolicy.sizing(expectedSpeed, ChallengePolicy.WORK_STANDARD);
            int n = new MatrixChallenge.Spec(0, size == null ? standard.size() : size).size();
            SplittableRandom random = new SplittableRandom();
            List<Long> device = new ArrayList<>();
            List<Long> verifier = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                MatrixChallenge.Spec challenge = new MatrixChallenge.Spec(random.nextLong(), n);
                int[] rows = MatrixChallenge.rowsToCheck(challenge, random);
                long start = System.nanoTime();
                MatrixChallenge.Answer answer = checkOnly ? openedRowsOnly(challenge, rows)
                        : engine.compute(challenge, () -> false);
                long computed = System.nanoTime();
                List<OpenedRow> opened = MatrixChallenge.open(answer, rows);
                long opening = System.nanoTime();
                if (!MatrixChallenge.verify(challenge, answer.root(), rows, opened, random)) {
                    throw new IllegalStateException("an honest answer failed its check");
                }
                long checked = System.nanoTime();
                if (run > 0) {
                    device.add(computed - start);
                    verifier.add(checked - opening);
                    if (engine instanceof CudaChallengeEngine cuda) {
                        CudaChallengeEngine.Phases phases = cuda.lastPhases();
                        out.printf("  run %d: build A and B %.1f ms, multiply %.1f ms, copy back %.1f ms, "
                                + "commit %.1f ms%n", run, phases.fillNanos() / 1e6, phases.multiplyNanos() / 1e6,
                                phases.copyNanos() / 1e6, phases.commitNanos() / 1e6);
                    }
                }
            }
            long verifierMedian = median(verifier);
            double workRatio = 100.0 * MatrixChallenge.verifierWork(n) / MatrixChallenge.deviceWork(n);
            if (checkOnly) {
                out.printf("challenge n=%d: coordinator check %.2f ms (median of %d), multiply-adds %.5f%% of the "
                        + "device's%n", n, verifierMedian / 1e6, runs, workRatio);
                return 0;
            }
            long deviceMedian = median(device);
            double measuredSpeed = MatrixChallenge.deviceWork(n) / (deviceMedian / 1e9);
            out.printf("challenge n=%d on %s: device %.1f ms (median of %d), %.2e multiply-adds/s (%.2e expected); "
                    + "coordinator check %.3f ms, ratio %.4f%% (multiply-adds: %.5f%%)%n", n, engine.description(),
                    deviceMedian / 1e6, runs, measuredSpeed, expectedSpeed, verifierMedian / 1e6,
                    100.0 * verifierMedian / deviceMedian, workRatio);
            if (size == null) {
                out.printf("the standard challenge for this claim: n=%d, deadline %d ms (this machine needed %.0f%% "
                        + "of it)%n", n, standard.deadline().toMillis(),
                        100.0 * deviceMedian / 1e6 / standard.deadline().toMillis());
            }
            return 0;
        }

        /** An answer whose asked rows are true and whose other rows are filler: all the coordinator's check reads. */
        private static MatrixChallenge.Answer openedRowsOnly(MatrixChallenge.Spec challenge, int[] asked) {
            int[][] rows = new int[challenge.size()][];
            List<String> hashes = new ArrayList<>(challenge.size());
            for (int i = 0; i < challenge.size(); i++) {
                hashes.add(Sha256.hex(Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int index : asked) {
                rows[index] = MatrixChallenge.row(challenge, index);
                hashes.set(index, MatrixChallenge.rowHash(index, rows[index]));
            }
            return new MatrixChallenge.Answer(rows, hashes, MerkleTree.root(hashes));
        }
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true,
            description = "Apply many transfers (10,000 per transaction), settle a cluster of many devices and close "
                    + "an epoch with many devices earning, on a fresh embedded store (or an empty PostgreSQL schema "
                    + "with --db); print time, transfers/s and peak heap, and for each, as its floor, the time to "
                    + "write the same journal rows into a bare table (PostgreSQL COPY; on H2, INSERT ... SELECT) and "
                    + "the ratio of the two.")
    static final class Ledger implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--cluster-devices", defaultValue = "10000", description = "Devices in the settled cluster (default ${DEFAULT-VALUE}).")
        int clusterDevices;
        @Option(names = "--epoch-devices", defaultValue = "1000000", description = "Devices earning in the closed epoch (default ${DEFAULT-VALUE}).")
        int epochDevices;
        @Option(names = "--transfers", defaultValue = "200000", description = "Transfers applied in the write-path "
                + "measurement (default ${DEFAULT-VALUE}).")
        int transfers;
        @Option(names = "--db", description = "JDBC URL of an empty PostgreSQL schema instead of a fresh embedded store.")
        String db;

        @Override
        public Integer call() throws Exception {
            return inScratchDirectory(directory -> LedgerBenchmark.run(directory, db, clusterDevices, epochDevices,
                    transfers, spec.commandLine().getOut()));
        }
    }

    @Command(name = "placement", mixinStandardHelpOptions = true,
            description = "Fill the scheduler's in-memory index with synthetic devices (a realistic mix of models, "
                    + "regions, tiers and stakes), then time a 10,000-GPU placement, small placements from several "
                    + "threads and offer search, and measure heap per device.")
    static final class Placement implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--devices", defaultValue = "1000000", description = "Devices in the index (default ${DEFAULT-VALUE}).")
        int devices;
        @Option(names = "--runs", defaultValue = "50", description = "Timed runs of each large placement and search (default ${DEFAULT-VALUE}).")
        int runs;
        @Option(names = "--threads", defaultValue = "2", description = "Threads placing small clusters (default ${DEFAULT-VALUE}).")
        int threads;
        @Option(names = "--seconds", defaultValue = "10", description = "How long the small placements run (default ${DEFAULT-VALUE}).")
        int seconds;

        @Override
        public Integer call() throws Exception {
            if (devices < 1_000 || devices > DevicePool.DEVICES_MAX || runs < 1 || runs > 10_000
                    || threads < 1 || threads > 64 || seconds < 1 || seconds > 600) {
                throw new IllegalArgumentException("--devices 1000.." + DevicePool.DEVICES_MAX
                        + ", --runs 1..10000, --threads 1..64, --seconds 1..600");
            }
            PlacementBenchmark.run(devices, runs, threads, seconds, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Start a coordinator in this process and many real worker agents in a few agent processes "
                    + "(at niceness 10, yielding the CPU to the coordinator; over loopback HTTP, each process to a port of "
                    + "its own; heartbeats spread to "
                    + "at most " + DeployBenchmark.HEARTBEATS_PER_SECOND_MAX + " a second in all); each round, deploy "
                    + "a cluster over them and time the deploy call, the time until the cluster is RUNNING, when its "
                    + "ranks started, the CPU the coordinator, the agent processes and the rest of the machine used "
                    + "until then, and the terminate call that settles it, with its ratio to the floor: the time to "
                    + "start as many processes of the rank command directly from this process, measured first. "
                    + "Before the first round it prints the CPU the idle fleet uses.")
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--devices", defaultValue = "1000", description = "Devices in the cluster (default ${DEFAULT-VALUE}); "
                + "a tenth more agents are started, as an unstaked customer may not take the last tenth of a pool.")
        int devices;
        @Option(names = "--agent-processes", defaultValue = "" + DeployBenchmark.HOSTS_DEFAULT,
                description = "Processes the agents are spread over (default ${DEFAULT-VALUE}).")
        int processes;
        @Option(names = "--rounds", defaultValue = "" + DeployBenchmark.ROUNDS_DEFAULT, description = "Deploys, one "
                + "after another over the same agents, each terminated before the next (default ${DEFAULT-VALUE}): "
                + "the first runs on processes just started, the later ones on code the JVM has compiled.")
        int rounds;
        @Option(names = "--db", description = "JDBC URL of an empty PostgreSQL schema for the coordinator's store "
                + "instead of a fresh embedded one.")
        String db;
        @Option(names = "--rank-command", defaultValue = DeployBenchmark.RANK_COMMAND_DEFAULT, description = "What "
                + "every rank runs; it must run until the cluster is terminated (default '${DEFAULT-VALUE}').")
        String rankCommand;
        @Option(names = "--rest-seconds", defaultValue = "" + DeployBenchmark.REST_SECONDS_DEFAULT, description = "How "
                + "long the idle fleet's CPU is measured before the first round; 0 skips it (default ${DEFAULT-VALUE}).")
        int restSeconds;

        @Override
        public Integer call() throws Exception {
            if (restSeconds < 0 || restSeconds > DeployBenchmark.REST_SECONDS_MAX) {
                throw new IllegalArgumentException("--rest-seconds must be 0.." + DeployBenchmark.REST_SECONDS_MAX);
            }
            if (rankCommand.isBlank()) {
                throw new IllegalArgumentException("--rank-command must not be empty");
            }
            if (rounds < 1 || rounds > DeployBenchmark.ROUNDS_MAX) {
                throw new IllegalArgumentException("--rounds must be 1.." + DeployBenchmark.ROUNDS_MAX);
            }
            if (devices < 1 || devices > DeployRequest.COUNT_MAX) {
                throw new IllegalArgumentException("--devices must be 1.." + DeployRequest.COUNT_MAX);
            }
            if (processes < 1 || processes > DeployBenchmark.HOSTS_MAX) {
                throw new IllegalArgumentException("--agent-processes must be 1.." + DeployBenchmark.HOSTS_MAX);
            }
            return inScratchDirectory(directory -> DeployBenchmark.run(devices, rounds, processes, rankCommand,
                    Duration.ofSeconds(restSeconds), db, directory, spec.commandLine().getOut()));
        }
    }

    @Command(name = "heartbeats", mixinStandardHelpOptions = true,
            description = "Start a coordinator in this process, register many devices (each with its own key) and "
                    + "send their signed heartbeats as fast as it answers, over loopback HTTP: registrations and "
                    + "heartbeats a second, and heartbeat latency; then, as its floor, the rate of the same requests to "
                    + "the JDK's plain HTTP server, and the ratio of the two.")
    static final class Heartbeats implements Callable<Integer> {
        static final int DEVICES_MAX = 100_000;
        static final int SENDERS_MAX = 1_024;

        @Spec
        CommandSpec spec;
        @Option(names = "--devices", defaultValue = "1000", description = "Devices registered (default ${DEFAULT-VALUE}).")
        int devices;
        @Option(names = "--senders", defaultValue = "64", description = "Requests in flight at once, each sender "
                + "going round its share of the devices (default ${DEFAULT-VALUE}).")
        int senders;
        @Option(names = "--seconds", defaultValue = "20", description = "How long heartbeats are measured, after a "
                + "10 s warm-up (default ${DEFAULT-VALUE}).")
        int seconds;
        @Option(names = "--db", description = "JDBC URL of an empty PostgreSQL schema for the coordinator's store "
                + "instead of a fresh embedded one.")
        String db;

        @Override
        public Integer call() throws Exception {
            if (devices < 1 || devices > DEVICES_MAX || senders < 1 || senders > Math.min(devices, SENDERS_MAX)
                    || seconds < 1 || seconds > 600) {
                throw new IllegalArgumentException("--devices 1.." + DEVICES_MAX + ", --senders 1.." + SENDERS_MAX
                        + " and at most --devices, --seconds 1..600");
            }
            return inScratchDirectory(directory -> HeartbeatBenchmark.run(devices, senders, Duration.ofSeconds(seconds),
                    db, directory, spec.commandLine().getOut()));
        }
    }

    @Command(name = "heal", mixinStandardHelpOptions = true,
            description = "Start a coordinator and two agents in this process; round after round, a one-rank cluster "
                    + "loses its device (its agent stops) and another takes the rank: the time from the lost device's "
                    + "last heartbeat to the rank started again, against the heartbeat timeout; the floor is the "
                    + "timeout plus a fresh one-rank deploy to RUNNING.")
    static final class Heal implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--heartbeat-timeout", defaultValue = "5", description = "Seconds without a heartbeat before "
                + "a device is lost (default ${DEFAULT-VALUE}; the product's is 30).")
        int heartbeatTimeoutSeconds;
        @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds, after an untimed one "
                + "(default ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1 || rounds > HealBenchmark.ROUNDS_MAX || heartbeatTimeoutSeconds < 2
                    || heartbeatTimeoutSeconds > 300) {
                throw new IllegalArgumentException("--rounds must be 1.." + HealBenchmark.ROUNDS_MAX
                        + ", --heartbeat-timeout 2..300");
            }
            return inScratchDirectory(directory -> HealBenchmark.run(Duration.ofSeconds(heartbeatTimeoutSeconds),
                    rounds, directory, spec.commandLine().getOut()));
        }
    }

    @Command(name = "rank-start", mixinStandardHelpOptions = true,
            description = "Start a coordinator and one agent in this process, on a machine with a container engine "
                    + "(and the podman command), and deploy one-rank clusters round after round: the time from the "
                    + "deploy call to RUNNING in a container and as a process; then, as the floor, `podman run -d` of "
                    + "the same image and command; medians and the ratios.")
    static final class RankStart implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--image", defaultValue = RankStartBenchmark.IMAGE_DEFAULT, description = "An image the "
                + "engine has, with sleep (default ${DEFAULT-VALUE}, made from this machine's /bin/busybox if missing).")
        String image;
        @Option(names = "--rounds", defaultValue = "10", description = "Timed rounds, after an untimed one "
                + "(default ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() throws Exception {
            if (rounds < 1 || rounds > RankStartBenchmark.ROUNDS_MAX) {
                throw new IllegalArgumentException("--rounds must be 1.." + RankStartBenchmark.ROUNDS_MAX);
            }
            return inScratchDirectory(directory -> RankStartBenchmark.run(image, rounds, directory,
                    spec.commandLine().getOut()));
        }
    }
}
