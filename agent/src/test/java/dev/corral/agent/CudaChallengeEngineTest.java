package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The GPU challenge engine on a real NVIDIA GPU: these run only where the driver and a card
 * are present (on the development machine and in CI there is none, and no GPU has been lent to
 * this project yet), except the fallback test, which runs only where there is no driver.
 */
class CudaChallengeEngineTest {
    private static CudaChallengeEngine engine;

    static boolean aGpuEngineOpens() {
        try {
            CudaChallengeEngine.open().close();
            return true;
        } catch (CudaChallengeEngine.CudaException e) {
            return false;
        }
    }

    static boolean aCudaDriverIsInstalled() {
        try {
            CudaDriver.load();
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    @BeforeAll
    static void open() {
        if (aGpuEngineOpens()) {
            engine = CudaChallengeEngine.open();
        }
    }

    @AfterAll
    static void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    @EnabledIf("aGpuEngineOpens")
    void theGpuComputesTheSameBitsAsTheCpuPathForSizesOnAndOffTheTileAndOverSeveralBands() {
        for (int size : new int[] {3, 64, 100, 1_000, CudaChallengeEngine.BAND_ROWS + 77}) {
            MatrixChallenge.Spec spec = new MatrixChallenge.Spec(0x5EED + size, size);
            MatrixChallenge.Answer gpu = engine.compute(spec, () -> false);
            MatrixChallenge.Answer cpu = MatrixChallenge.compute(spec);
            assertThat(gpu.rows()).as("n=%d", size).isDeepEqualTo(cpu.rows());
            assertThat(gpu.root()).as("n=%d", size).isEqualTo(cpu.root());
        }
    }

    @Test
    @EnabledIf("aGpuEngineOpens")
    void aGpuAnswerAtTheLargestSizePassesTheCoordinatorsCheck() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(7, MatrixChallenge.SIZE_MAX);
        MatrixChallenge.Answer answer = engine.compute(spec, () -> false);
        SplittableRandom random = new SplittableRandom(7);
        int[] rows = MatrixChallenge.rowsToCheck(spec, random);
        assertThat(MatrixChallenge.verify(spec, answer.root(), rows, MatrixChallenge.open(answer, rows), random))
                .isTrue();
    }

    @Test
    @EnabledIf("aGpuEngineOpens")
    void aChallengeGivenUpStopsAndTheEngineTakesTheNextOne() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(9, 4_096);
        assertThatThrownBy(() -> engine.compute(spec, () -> true)).isInstanceOf(CancellationException.class);
        MatrixChallenge.Spec small = new MatrixChallenge.Spec(9, 200);
        assertThat(engine.compute(small, () -> false).root()).isEqualTo(MatrixChallenge.compute(small).root());
    }

    @Test
    @EnabledIf("aGpuEngineOpens")
    void theGpuWalksGiveTheCpuPathsBitsOverSeveralLaunches() {
        MemoryWalk.Spec spec = new MemoryWalk.Spec(0x5EED, CudaChallengeEngine.TABLE_ITEMS_PER_LAUNCH + 1_000, 2,
                CudaChallengeEngine.WALKERS_PER_LAUNCH + 8 * MemoryWalk.WALKERS_PER_ROW, 3);
        try (ChallengeEngine.FilledTable table = engine.fill(spec, () -> false)) {
            assertThat(table.walk(99, () -> false).root()).isEqualTo(MemoryWalk.walk(spec, 99,
                    MemoryWalk.fill(spec, () -> false), () -> false).root());
        }
    }

    /**
     * The memory part sized for the card itself, as the coordinator sizes it: it fits in the
     * card's memory, passes the check, and fills and walks within their deadlines; the phases
     * are printed for BENCHMARKS.md.
     */
    @Test
    @EnabledIf("aGpuEngineOpens")
    void aMemoryPartForThisCardFitsPassesAndFinishesInTime() {
        // a listed card is proven for the catalog's memory, whatever the claim says
        HardwareSpec claim = new HardwareSpec(DeviceKind.GPU, engine.gpuName(), 1, 1, "any", "cpu", 16, 131_072);
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(claim, true, ChallengePolicy.WORK_STANDARD);
        assertThat(sizing.memory()).as("a memory part for %s", engine.gpuName()).isNotNull();
        MemoryWalk.Spec spec = MemoryWalk.Spec.of(11, sizing.memory());
        long start = System.nanoTime();
        try (ChallengeEngine.FilledTable table = engine.fill(spec, () -> false)) {
            Duration filled = Duration.ofNanos(System.nanoTime() - start);
            MemoryWalk.Answer answer = table.walk(12, () -> false);
            Duration walked = Duration.ofNanos(System.nanoTime() - start).minus(filled);
            System.out.printf("memory part on %s: %s; phases %s; fill %s of %s, walks %s of %s%n", engine.gpuName(),
                    sizing.memory(), engine.lastMemoryPhases(), filled, sizing.deadline(), walked,
                    sizing.walkAllowance());
            SplittableRandom random = new SplittableRandom(11);
            int[] rows = MemoryWalk.rowsToCheck(spec, random);
            assertThat(MemoryWalk.verify(spec, 12, answer.root(), rows, MemoryWalk.open(answer, rows), random))
                    .isTrue();
            assertThat(filled).isLessThan(sizing.deadline());
            assertThat(walked).isLessThan(sizing.walkAllowance());
        }
    }

    @Test
    void theShippedPtxDeclaresTheKernelsWithTheParametersTheEngineLaunchesThemWith() throws Exception {
        String ptx;
        try (var in = CudaChallengeEngine.class.getResourceAsStream(CudaChallengeEngine.PTX_RESOURCE)) {
            assertThat(in).as(CudaChallengeEngine.PTX_RESOURCE).isNotNull();
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        // fill(matrix, seed, tag, n, width) and multiply(a, b, c, width, firstRow): three 64-bit, two 32-bit.
        for (String kernel : new String[] {"fill", "multiply"}) {
            assertThat(parameters(ptx, kernel)).as(kernel).containsExactly("u64", "u64", "u64", "u32", "u32");
        }
        // memoryFill(table, seed, first, count, rounds); memoryWalk(table, states, seed, items, steps, first, count)
        assertThat(parameters(ptx, "memoryFill")).containsExactly("u64", "u64", "u64", "u64", "u32");
        assertThat(parameters(ptx, "memoryWalk")).containsExactly("u64", "u64", "u64", "u64", "u32", "u64", "u32");
        assertThat(ptx).contains(".version 7.0", ".target sm_75");
    }

    /** The widths of a kernel's parameters, in order, as the PTX declares them. */
    private static List<String> parameters(String ptx, String kernel) {
        Matcher entry = Pattern.compile("\\.visible \\.entry " + kernel + "\\(([^)]*)\\)").matcher(ptx);
        assertThat(entry.find()).as("entry %s", kernel).isTrue();
        return Pattern.compile("\\.param \\.(u64|u32)").matcher(entry.group(1)).results().map(m -> m.group(1))
                .toList();
    }

    @Test
    @DisabledIf("aCudaDriverIsInstalled")
    void withoutAnNvidiaDriverAGpuDeviceComputesItsChallengesOnTheCpu() {
        HardwareSpec h100 = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 1, 81_559, "580.159.04",
                "test CPU", 2, 16_384);
        try (ChallengeEngine chosen = ChallengeEngines.best(h100)) {
            assertThat(chosen.gpu()).isFalse();
            assertThat(chosen.description()).startsWith("cpu");
        }
    }
}
