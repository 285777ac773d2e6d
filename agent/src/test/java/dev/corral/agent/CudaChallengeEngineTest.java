package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.proofs.MatrixChallenge;
import java.nio.charset.StandardCharsets;
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
 * are present (on the development machine and in CI there is none; they ran on a lent H100,
 * see BENCHMARKS.md), except the fallback test, which runs only where there is no driver.
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
    void theShippedPtxDeclaresBothKernelsWithTheParametersTheEngineLaunchesThemWith() throws Exception {
        String ptx;
        try (var in = CudaChallengeEngine.class.getResourceAsStream(CudaChallengeEngine.PTX_RESOURCE)) {
            assertThat(in).as(CudaChallengeEngine.PTX_RESOURCE).isNotNull();
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        // fill(matrix, seed, tag, n, width) and multiply(a, b, c, width, firstRow): three 64-bit, two 32-bit.
        for (String kernel : new String[] {"fill", "multiply"}) {
            Matcher entry = Pattern.compile("\\.visible \\.entry " + kernel + "\\(([^)]*)\\)").matcher(ptx);
            assertThat(entry.find()).as("entry %s", kernel).isTrue();
            assertThat(Pattern.compile("\\.param \\.(u64|u32)").matcher(entry.group(1)).results()
                    .map(m -> m.group(1)).toList()).as(kernel).containsExactly("u64", "u64", "u64", "u32", "u32");
        }
        assertThat(ptx).contains(".version 7.0", ".target sm_75");
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
