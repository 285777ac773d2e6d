package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.protocol.OpenedRow;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatrixChallengeTest {
    private static final BigInteger P = BigInteger.valueOf(MatrixChallenge.MODULUS);

    @Test
    void theFastReductionIsTheRemainder() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++) {
            long x = random.nextLong(1L << 62);
            assertThat(MatrixChallenge.reduce(x)).as("seed %d x %d", seed, x).isEqualTo(x % MatrixChallenge.MODULUS);
        }
        assertThat(MatrixChallenge.reduce(MatrixChallenge.MODULUS)).isZero();
    }

    @Test
    void theProductIsExactlyAxBModuloThePrimeComputedIndependently() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(42, 12);
        MatrixChallenge.Answer answer = MatrixChallenge.compute(spec);
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 12; j++) {
                BigInteger sum = BigInteger.ZERO;
                for (int k = 0; k < 12; k++) {
                    sum = sum.add(BigInteger.valueOf(MatrixChallenge.entry(42, 0x41, i * 12L + k))
                            .multiply(BigInteger.valueOf(MatrixChallenge.entry(42, 0x42, k * 12L + j))));
                }
                assertThat(answer.rows()[i][j]).isEqualTo(sum.mod(P).intValueExact());
            }
        }
    }

    @Test
    void anHonestDevicePasses() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(7, 64);
        MatrixChallenge.Answer answer = MatrixChallenge.compute(spec);
        int[] rows = MatrixChallenge.rowsToCheck(spec, new SplittableRandom(1));
        assertThat(passes(spec, answer.root(), rows, MatrixChallenge.open(answer, rows))).isTrue();
    }

    @Test
    void guessedRowsAnotherSeedsAnswerAndRowsThatDoNotMatchTheCommitmentFail() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(7, 64);
        MatrixChallenge.Answer honest = MatrixChallenge.compute(spec);
        int[] rows = MatrixChallenge.rowsToCheck(spec, new SplittableRandom(2));

        MatrixChallenge.Answer replayed = MatrixChallenge.compute(new MatrixChallenge.Spec(8, 64));
        assertThat(passes(spec, replayed.root(), rows, MatrixChallenge.open(replayed, rows)))
                .as("an answer to another (older) challenge").isFalse();

        int[][] guessed = new int[64][64];
        SplittableRandom random = new SplittableRandom(3);
        for (int[] row : guessed) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (int) random.nextLong(MatrixChallenge.MODULUS);
            }
        }
        MatrixChallenge.Answer guess = answerOf(guessed);
        assertThat(passes(spec, guess.root(), rows, MatrixChallenge.open(guess, rows)))
                .as("random rows").isFalse();

        assertThat(passes(spec, guess.root(), rows, MatrixChallenge.open(honest, rows)))
                .as("true rows that are not the ones committed to").isFalse();
        assertThat(passes(spec, honest.root(), rows, MatrixChallenge.open(honest, new int[] {rows[0]})))
                .as("fewer rows than asked").isFalse();

        List<OpenedRow> outOfRange = MatrixChallenge.open(honest, rows).stream()
                .map(row -> new OpenedRow(row.index(), shifted(row.values()), row.proof())).toList();
        assertThat(passes(spec, honest.root(), rows, outOfRange))
                .as("values congruent to the true ones but not below the modulus").isFalse();
    }

    @Test
    void aDeviceThatComputesHalfTheRowsPassesAboutOneTimeInEight() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(11, 32);
        MatrixChallenge.Answer honest = MatrixChallenge.compute(spec);
        int[][] half = new int[32][];
        for (int i = 0; i < 32; i++) {
            half[i] = i % 2 == 0 ? honest.rows()[i] : new int[32];
        }
        long seed = System.nanoTime();
        // Three distinct rows of 32, all among the 16 computed: (16/32)(15/31)(14/30) = 11.3%.
        assertThat(passRate(spec, answerOf(half), 2_000, seed)).as("seed %d", seed).isBetween(0.08, 0.15);
    }

    @Test
    void aDeviceThatLeavesAnEighthOfEachRowUncomputedPassesAboutOneTimeInForty() {
        MatrixChallenge.Spec spec = new MatrixChallenge.Spec(13, 32);
        MatrixChallenge.Answer honest = MatrixChallenge.compute(spec);
        int[][] sloppy = new int[32][];
        for (int i = 0; i < 32; i++) {
            sloppy[i] = honest.rows()[i].clone();
            for (int j = 0; j < 32; j += 8) {
                sloppy[i][(j + i) % 32] = (int) ((sloppy[i][(j + i) % 32] + 1L) % MatrixChallenge.MODULUS);
            }
        }
        long seed = System.nanoTime();
        // 8 entries of each opened row checked, all among its 28 right ones: (28/32)(27/31)...(21/25) = 0.2955; three rows: 2.6%.
        assertThat(passRate(spec, answerOf(sloppy), 4_000, seed)).as("seed %d", seed).isBetween(0.013, 0.042);
    }

    @Test
    void checkingTheStandardChallengeOfEvenAOneCoreDeviceCostsUnderOnePercentOfComputingIt() {
        int size = ChallengePolicy.sizing(ChallengePolicy.CPU_CORE_MULTIPLY_ADDS_PER_SECOND,
                ChallengePolicy.WORK_STANDARD).size();
        assertThat(size).isEqualTo(1_119);
        assertThat((double) MatrixChallenge.verifierWork(size) / MatrixChallenge.deviceWork(size)).isLessThan(0.01);
    }

    /** The share of challenges this answer passes, each with rows and entries drawn from a generator of this seed. */
    private static double passRate(MatrixChallenge.Spec spec, MatrixChallenge.Answer answer, int trials, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int passed = 0;
        for (int t = 0; t < trials; t++) {
            int[] rows = MatrixChallenge.rowsToCheck(spec, random);
            if (MatrixChallenge.verify(spec, answer.root(), rows, MatrixChallenge.open(answer, rows), random)) {
                passed++;
            }
        }
        return passed / (double) trials;
    }

    /** The values plus the modulus: the same residues, written as no honest device writes them. */
    private static long[] shifted(long[] values) {
        return Arrays.stream(values).map(v -> v + MatrixChallenge.MODULUS).toArray();
    }

    private static boolean passes(MatrixChallenge.Spec spec, String root, int[] rows, List<OpenedRow> opened) {
        return MatrixChallenge.verify(spec, root, rows, opened, new SplittableRandom(1));
    }

    private static MatrixChallenge.Answer answerOf(int[][] rows) {
        return MatrixChallenge.commit(rows);
    }
}
