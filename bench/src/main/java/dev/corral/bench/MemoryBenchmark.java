package dev.corral.bench;

import dev.corral.agent.ChallengeEngine;
import dev.corral.agent.CudaChallengeEngine;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import dev.corral.core.protocol.MemoryTask;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MemoryWalk;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `corral bench memory`: a GPU challenge's memory part. On the GPU engine, the part sized for
 * this machine's card, phase by phase, against the times the catalog's figures give it (the
 * figures the deadlines rest on until measured). On the CPU, a table of {@code --table-mib}, and
 * how much slower a walk is when every item is computed again instead of read (what a device
 * short of memory pays). Then the coordinator's check for {@code --card}, against its floor: the
 * same number of hashes in a bare loop.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Time a GPU challenge's memory part: on the GPU engine the part sized for this machine's card "
                + "(table, walks, commitment) against the catalog's expected times; on the CPU a table of --table-mib "
                + "and the cost of walking without it; then the coordinator's check for --card against a bare loop "
                + "of the same hashes.")
final class MemoryBenchmark implements Callable<Integer> {
    /** Walkers timed when walking without the table on the CPU: each costs steps x rounds hashes. */
    static final int WALKERS_WITHOUT_TABLE = 64;
    @Spec
    CommandSpec spec;
    @Option(names = "--card", defaultValue = "H100", description = "The card whose memory part the coordinator's "
            + "check is timed for (default ${DEFAULT-VALUE}).")
    String card;
    @Option(names = "--table-mib", defaultValue = "32", description = "The table on the CPU engine, in MiB "
            + "(default ${DEFAULT-VALUE}).")
    int tableMib;
    @Option(names = "--runs", defaultValue = "3", description = "Timed runs after one warm-up (default ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--engine", defaultValue = "auto", description = "auto (the GPU when the agent can drive one, "
            + "else the CPU), cpu or cuda (default ${DEFAULT-VALUE}).")
    String engineName;
    @Option(names = "--check-only", description = "Time only the coordinator's check.")
    boolean checkOnly;

    @Override
    public Integer call() {
        if (runs < 1 || runs > 100) {
            throw new IllegalArgumentException("--runs must be 1..100");
        }
        if (tableMib < 1 || tableMib > 65_536) {
            throw new IllegalArgumentException("--table-mib must be 1..65536");
        }
        HardwareCatalog.Gpu checked = HardwareCatalog.gpu(GpuModel.parse(card)).orElseThrow(() ->
                new IllegalArgumentException("--card: the catalog does not list " + card));
        PrintWriter out = spec.commandLine().getOut();
        if (!checkOnly) {
            try (ChallengeEngine engine = BenchCommand.challengeEngine(engineName)) {
                if (engine instanceof CudaChallengeEngine cuda) {
                    onTheCard(cuda, out);
                } else {
                    onTheCpu(engine, out);
                }
            }
        }
        check(checked, out);
        return 0;
    }

    /** The part the coordinator sends this card, phase by phase, against the catalog's expected times. */
    private void onTheCard(CudaChallengeEngine cuda, PrintWriter out) {
        HardwareCatalog.Gpu card = HardwareCatalog.gpu(GpuModel.parse(cuda.gpuName())).orElseThrow(() ->
                new IllegalStateException("the catalog does not list " + cuda.gpuName()));
        HardwareSpec claim = claim(card.model(), card.memoryGb() * 1_024L);
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(claim, true, ChallengePolicy.WORK_STANDARD);
        MemoryTask task = sizing.memory();
        ChallengePolicy.CardRates expected = ChallengePolicy.CardRates.of(card);
        double reads = (double) task.walkers() * task.steps();
        SplittableRandom random = new SplittableRandom();
        for (int run = 0; run <= runs; run++) {
            try (ChallengeEngine.FilledTable table = cuda.fill(MemoryWalk.Spec.of(random.nextLong(), task),
                    () -> false)) {
                table.walk(random.nextLong(), () -> false);
            }
            CudaChallengeEngine.MemoryPhases phases = cuda.lastMemoryPhases();
            if (run > 0) {
                out.printf("  run %d on %s, %s: fill %.0f ms (%.2e hashes/s, %.2e expected; deadline with the product "
                        + "%d ms), walks %.0f ms (%.2e reads/s, %.2e expected; allowance %d ms), commit %.0f ms%n", run,
                        cuda.gpuName(), task, phases.fillNanos() / 1e6,
                        (double) task.items() * task.rounds() / (phases.fillNanos() / 1e9), expected.hashesPerSecond(),
                        sizing.deadline().toMillis(), phases.walkNanos() / 1e6, reads / (phases.walkNanos() / 1e9),
                        expected.readsPerSecond(), sizing.walkAllowance().toMillis(), phases.commitNanos() / 1e6);
            }
        }
    }

    /** A table of --table-mib filled and walked on the CPU, and walkers walked again computing their items instead. */
    private void onTheCpu(ChallengeEngine engine, PrintWriter out) {
        MemoryTask task = ChallengePolicy.memory(claim("Corral bench table", tableMib)).orElseThrow();
        SplittableRandom random = new SplittableRandom();
        List<Long> fills = new ArrayList<>();
        List<Long> walks = new ArrayList<>();
        List<Long> withoutTable = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            MemoryWalk.Spec spec = MemoryWalk.Spec.of(random.nextLong(), task);
            long walkSeed = random.nextLong();
            long start = System.nanoTime();
            try (ChallengeEngine.FilledTable table = engine.fill(spec, () -> false)) {
                long filled = System.nanoTime();
                table.walk(walkSeed, () -> false);
                long walked = System.nanoTime();
                for (int w = 0; w < WALKERS_WITHOUT_TABLE; w++) {
                    MemoryWalk.walkWithoutTable(spec, walkSeed, random.nextInt(spec.walkers()));
                }
                if (run > 0) {
                    fills.add(filled - start);
                    walks.add(walked - filled);
                    withoutTable.add(System.nanoTime() - walked);
                }
            }
        }
        double walkNanos = BenchCommand.median(walks);
        double perWalkerHeld = walkNanos / task.walkers();
        double perWalkerRecomputed = (double) BenchCommand.median(withoutTable) / WALKERS_WITHOUT_TABLE;
        out.printf("memory part of %d MiB on %s, %s (medians of %d): fill %.0f ms, walks %.0f ms (%.2e reads/s); a "
                + "walker %.1f us with the table, %.0f us computing its items again (x%.1f)%n", tableMib,
                engine.description(), task, runs, BenchCommand.median(fills) / 1e6, walkNanos / 1e6,
                (double) task.walkers() * task.steps() / (walkNanos / 1e9), perWalkerHeld / 1e3,
                perWalkerRecomputed / 1e3, perWalkerRecomputed / perWalkerHeld);
    }

    /**
     * The coordinator's check of the part it sends this card: the walkers it walks without the
     * table, against a bare loop of the same number of hashes.
     */
    private void check(HardwareCatalog.Gpu card, PrintWriter out) {
        MemoryTask task = ChallengePolicy.memory(claim(card.model(), card.memoryGb() * 1_024L)).orElseThrow();
        int walkersChecked = MemoryWalk.ROWS_CHECKED * MemoryWalk.WALKERS_CHECKED_PER_ROW;
        SplittableRandom random = new SplittableRandom();
        List<Long> checks = new ArrayList<>();
        List<Long> floors = new ArrayList<>();
        long sink = 0;
        for (int run = 0; run <= runs; run++) {
            MemoryWalk.Spec spec = MemoryWalk.Spec.of(random.nextLong(), task);
            long start = System.nanoTime();
            long walkSeed = random.nextLong();
            for (int w = 0; w < walkersChecked; w++) {
                sink ^= MemoryWalk.walkWithoutTable(spec, walkSeed, random.nextInt(spec.walkers()));
            }
            long checked = System.nanoTime();
            sink ^= bareHashes(spec.seed(), MemoryWalk.verifierHashes(spec));
            long floored = System.nanoTime();
            if (run > 0) {
                checks.add(checked - start);
                floors.add(floored - checked);
            }
        }
        long check = BenchCommand.median(checks);
        long floor = BenchCommand.median(floors);
        out.printf("coordinator check of the %s's memory part (%s; %d walkers, %.2e hashes): %.1f ms (median of %d); "
                + "floor (the same hashes in a bare loop) %.1f ms; ratio %.2f [%d]%n", card.model(), task, walkersChecked,
                (double) MemoryWalk.verifierHashes(MemoryWalk.Spec.of(0, task)), check / 1e6, runs, floor / 1e6,
                (double) check / floor, sink & 1);
    }

    /** SplitMix64 {@code count} times in a plain loop: the least the check's hashing can cost. */
    private static long bareHashes(long seed, long count) {
        long z = seed;
        for (long i = 0; i < count; i++) {
            z += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
        }
        return z;
    }

    private static HardwareSpec claim(String model, long vramMb) {
        return new HardwareSpec(DeviceKind.GPU, model, 1, vramMb, "bench", "bench CPU",
                Runtime.getRuntime().availableProcessors(), 1_024);
    }
}
