package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU challenge kernels (agent/src/main/cuda/challenge.cu), compiled with g++ and run under
 * a CPU emulation of CUDA's blocks, threads, barriers and shared memory, because no GPU is lent
 * where this runs: their arithmetic and indexing (padding, tiles, bands of rows) must give the
 * CPU path's bits. CudaChallengeEngineTest runs the same comparison on a real GPU where there is one.
 */
class ChallengeKernelEmulatedOnCpuTest {
    static final Path SOURCE = Path.of("src/test/cuda/emulate_challenge.cpp");
    static final long COMPILE_WAIT_SECONDS = 120;
    static final long RUN_WAIT_SECONDS = 120;
    @TempDir
    static Path directory;
    private static Path binary;

    @BeforeAll
    static void compile() throws Exception {
        binary = directory.resolve("emulate_challenge");
        Process gcc = new ProcessBuilder("g++", "-std=c++20", "-O2", "-pthread", "-Wall", "-Werror",
                "-Wno-unknown-pragmas", "-o", binary.toString(), SOURCE.toString()).redirectErrorStream(true).start();
        assertThat(gcc.waitFor(COMPILE_WAIT_SECONDS, TimeUnit.SECONDS)).as("g++ finished").isTrue();
        assertThat(gcc.exitValue()).as(new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    @Test
    void theKernelsGiveTheCpuPathsBitsOnAndOffTheTileOverSeveralBandsAndForAnySeed() throws Exception {
        for (long seed : new long[] {42, -1L, Long.MIN_VALUE + 12_345}) {
            for (int size : new int[] {3, 64, 100, 200}) {
                MatrixChallenge.Spec spec = new MatrixChallenge.Spec(seed, size);
                assertThat(emulated(spec, CudaChallengeEngine.TILE)).as("seed %d n=%d", seed, size)
                        .isDeepEqualTo(MatrixChallenge.compute(spec).rows());
            }
        }
    }

    @Test
    void aBandAsWideAsTheEngineUsesGivesTheSameRows() throws Exception {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(7, 150);
        assertThat(emulated(spec, CudaChallengeEngine.BAND_ROWS)).isDeepEqualTo(MatrixChallenge.compute(spec).rows());
    }

    @Test
    void theMemoryKernelsGiveTheCpuPathsWalksOverSeveralLaunchesAndForAnySeed() throws Exception {
        for (long seed : new long[] {42, -1L}) {
            // a table of an odd number of items, filled in three launches; walkers in two launches and a part
            MemoryWalk.Spec spec = new MemoryWalk.Spec(seed, 5_001, 3, 10 * MemoryWalk.WALKERS_PER_ROW, 20);
            long walkSeed = seed * 31 + 7;
            assertThat(emulatedWalks(spec, walkSeed, 2_000, 4 * MemoryWalk.WALKERS_PER_ROW)).as("seed %d", seed)
                    .containsExactly(MemoryWalk.walk(spec, walkSeed, MemoryWalk.fill(spec, () -> false), () -> false)
                            .states());
        }
    }

    private static long[] emulatedWalks(MemoryWalk.Spec spec, long walkSeed, long itemsPerLaunch, int walkersPerLaunch)
            throws Exception {
        List<String> lines = run("memory", Long.toUnsignedString(spec.seed()), Long.toUnsignedString(walkSeed),
                Long.toString(spec.items()), Integer.toString(spec.rounds()), Integer.toString(spec.walkers()),
                Integer.toString(spec.steps()), Long.toString(itemsPerLaunch), Integer.toString(walkersPerLaunch));
        return lines.stream().mapToLong(Long::parseUnsignedLong).toArray();
    }

    private static List<String> run(String... arguments) throws Exception {
        Path output = directory.resolve("out.txt");
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(arguments));
        Process run = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(run.waitFor(RUN_WAIT_SECONDS, TimeUnit.SECONDS)).as("emulation finished").isTrue();
        assertThat(run.exitValue()).isZero();
        return Files.readAllLines(output);
    }

    private static int[][] emulated(MatrixChallenge.Spec spec, int bandRows) throws Exception {
        List<String> lines = run(Long.toUnsignedString(spec.seed()), Integer.toString(spec.size()),
                Integer.toString(bandRows));
        return lines.stream().map(line -> Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray())
                .toArray(int[][]::new);
    }
}
