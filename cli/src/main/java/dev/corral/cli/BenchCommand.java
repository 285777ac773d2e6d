package dev.corral.cli;

import dev.corral.core.protocol.OpenedRow;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.PlacementBenchmark;
import dev.corral.server.LedgerBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `corral bench ledger|challenge|placement`: benchmarks whose figures go in BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Ledger.class, BenchCommand.Challenge.class, BenchCommand.Placement.class,
                BenchCommand.Deploy.class})
final class BenchCommand {
    private BenchCommand() {}

    @Command(name = "challenge", mixinStandardHelpOptions = true,
            description = "Time an availability challenge on this machine's CPU: the device's work (the whole product "
                    + "and its commitment) against the coordinator's check of the opened rows.")
    static final class Challenge implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--size", defaultValue = "" + MatrixChallenge.SIZE_STANDARD,
                description = "Matrix size n (default ${DEFAULT-VALUE}, the standard challenge).")
        int size;
        @Option(names = "--runs", defaultValue = "5", description = "Timed runs after one warm-up (default ${DEFAULT-VALUE}).")
        int runs;

        @Override
        public Integer call() {
            if (runs < 1 || runs > 100) {
                throw new IllegalArgumentException("--runs must be 1..100");
            }
            SplittableRandom random = new SplittableRandom();
            List<Long> device = new ArrayList<>();
            List<Long> verifier = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                MatrixChallenge.Spec challenge = new MatrixChallenge.Spec(random.nextLong(), size);
                long start = System.nanoTime();
                MatrixChallenge.Answer answer = MatrixChallenge.compute(challenge);
                long computed = System.nanoTime();
                int[] rows = MatrixChallenge.rowsToCheck(challenge, random);
                List<OpenedRow> opened = MatrixChallenge.open(answer, rows);
                long opening = System.nanoTime();
                if (!MatrixChallenge.verify(challenge, answer.root(), rows, opened)) {
                    throw new IllegalStateException("an honest answer failed its check");
                }
                long checked = System.nanoTime();
                if (run > 0) {
                    device.add(computed - start);
                    verifier.add(checked - opening);
                }
            }
            long deviceMedian = median(device);
            long verifierMedian = median(verifier);
            spec.commandLine().getOut().printf("challenge n=%d: device %.1f ms (median of %d), coordinator check %.2f ms, "
                    + "ratio %.3f%% (multiply-adds: %.3f%%)%n", size, deviceMedian / 1e6, runs, verifierMedian / 1e6,
                    100.0 * verifierMedian / deviceMedian,
                    100.0 * MatrixChallenge.verifierWork(size) / MatrixChallenge.deviceWork(size));
            return 0;
        }

        private static long median(List<Long> values) {
            List<Long> sorted = values.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true,
            description = "Settle a cluster of many devices and close an epoch with many devices earning, on a fresh "
                    + "embedded store (or an empty PostgreSQL schema with --db); print time, transfers/s and peak heap.")
    static final class Ledger implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--cluster-devices", defaultValue = "10000", description = "Devices in the settled cluster (default ${DEFAULT-VALUE}).")
        int clusterDevices;
        @Option(names = "--epoch-devices", defaultValue = "1000000", description = "Devices earning in the closed epoch (default ${DEFAULT-VALUE}).")
        int epochDevices;
        @Option(names = "--db", description = "JDBC URL of an empty PostgreSQL schema instead of a fresh embedded store.")
        String db;

        @Override
        public Integer call() throws Exception {
            Path directory = Files.createTempDirectory("corral-bench-");
            try {
                LedgerBenchmark.run(directory, db, clusterDevices, epochDevices, spec.commandLine().getOut());
                return 0;
            } finally {
                Demo.deleteTree(directory);
            }
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
            description = "Start a coordinator and many real worker agents in this process (over loopback HTTP), deploy "
                    + "one cluster over all of them, and time the deploy call and the time until the cluster is RUNNING.")
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--devices", defaultValue = "1000", description = "Devices in the cluster (default ${DEFAULT-VALUE}); "
                + "a tenth more agents are started, as an unstaked customer may not take the last tenth of a pool.")
        int devices;

        @Override
        public Integer call() throws Exception {
            if (devices < 1 || devices > ClusterRequest.COUNT_MAX) {
                throw new IllegalArgumentException("--devices must be 1.." + ClusterRequest.COUNT_MAX);
            }
            Path directory = Files.createTempDirectory("corral-bench-");
            try {
                DeployBenchmark.run(devices, directory, spec.commandLine().getOut());
                return 0;
            } finally {
                Demo.deleteTree(directory);
            }
        }
    }
}
