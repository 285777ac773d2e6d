package dev.corral.proofs;

import dev.corral.core.Sha256;
import dev.corral.core.merkle.MerkleTree;
import dev.corral.core.protocol.OpenedRow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The availability challenge. From a seed, a device builds two n x n matrices A and B with
 * entries modulo the Mersenne prime 2^31 - 1 (exact integer arithmetic, so every honest
 * device gets the same bits), computes C = A x B (n^3 multiply-adds) and commits to C with a
 * Merkle root over its rows. Only then does the coordinator pick a few rows at random; the
 * device sends them with their Merkle paths, and the coordinator recomputes just those rows
 * (n^2 each, plus n^2 to build B). A device that did not compute a fraction f of the rows
 * passes only with probability (1 - f)^k for k rows checked; one that answers for another
 * seed, or replays an old answer, fails the first row.
 */
public final class MatrixChallenge {
    public static final long MODULUS = (1L << 31) - 1;
    /** The standard challenge: about 1.07e9 multiply-adds for the device. */
    public static final int SIZE_STANDARD = 1_024;
    public static final int SIZE_MAX = 8_192;
    /** Rows checked per challenge: 3, so verifying costs about 4 / n of the device's work. */
    public static final int ROWS_CHECKED = 3;
    private static final long TAG_A = 0x41L;
    private static final long TAG_B = 0x42L;

    /** What a device is asked to compute. */
    public record Spec(long seed, int size) {
        public Spec {
            if (size < ROWS_CHECKED || size > SIZE_MAX) {
                throw new IllegalArgumentException("challenge size must be " + ROWS_CHECKED + ".." + SIZE_MAX);
            }
        }
    }

    /** A device's answer: every row of C, and the Merkle root it commits to. */
    public record Answer(long[][] rows, List<String> rowHashes, String root) {}

    private MatrixChallenge() {}

    /** The device's work: the whole product and the commitment to it. */
    public static Answer compute(Spec spec) {
        long[][] bColumns = columnsOfB(spec);
        long[][] rows = new long[spec.size()][];
        List<String> hashes = new ArrayList<>(spec.size());
        for (int i = 0; i < spec.size(); i++) {
            rows[i] = productRow(rowOfA(spec, i), bColumns);
            hashes.add(rowHash(i, rows[i]));
        }
        return new Answer(rows, hashes, MerkleTree.root(hashes));
    }

    /** The rows the device must open, drawn by the coordinator after it has the commitment. */
    public static int[] rowsToCheck(Spec spec, RandomGenerator random) {
        return random.ints(0, spec.size()).distinct().limit(ROWS_CHECKED).toArray();
    }

    /** The device opens the requested rows of its answer. */
    public static List<OpenedRow> open(Answer answer, int[] indices) {
        List<OpenedRow> opened = new ArrayList<>();
        for (int index : indices) {
            opened.add(new OpenedRow(index, answer.rows()[index], MerkleTree.proof(answer.rowHashes(), index)));
        }
        return opened;
    }

    /**
     * The coordinator's check: each requested row is the true row of A x B and sits under the
     * committed root. True only if every requested row was opened and all hold.
     */
    public static boolean verify(Spec spec, String root, int[] indices, List<OpenedRow> opened) {
        if (opened.size() != indices.length) {
            return false;
        }
        long[][] bColumns = columnsOfB(spec);
        for (int k = 0; k < indices.length; k++) {
            OpenedRow row = opened.get(k);
            if (row.index() != indices[k] || row.values().length != spec.size()) {
                return false;
            }
            long[] expected = productRow(rowOfA(spec, row.index()), bColumns);
            if (!Arrays.equals(expected, row.values())
                    || !MerkleTree.verify(rowHash(row.index(), row.values()), row.proof(), root)) {
                return false;
            }
        }
        return true;
    }

    /** Multiply-adds the device does for a challenge of this size, and the coordinator to check one. */
    public static long deviceWork(int size) {
        return (long) size * size * size;
    }

    public static long verifierWork(int size) {
        return (long) (ROWS_CHECKED + 1) * size * size;
    }

    static long[] rowOfA(Spec spec, int i) {
        long[] row = new long[spec.size()];
        for (int j = 0; j < spec.size(); j++) {
            row[j] = entry(spec.seed(), TAG_A, (long) i * spec.size() + j);
        }
        return row;
    }

    /** B stored by columns so each entry of C is a dot product of two contiguous arrays. */
    static long[][] columnsOfB(Spec spec) {
        int n = spec.size();
        long[][] columns = new long[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                columns[j][i] = entry(spec.seed(), TAG_B, (long) i * n + j);
            }
        }
        return columns;
    }

    static long[] productRow(long[] aRow, long[][] bColumns) {
        long[] row = new long[bColumns.length];
        for (int j = 0; j < bColumns.length; j++) {
            long[] column = bColumns[j];
            long sum = 0;
            for (int k = 0; k < aRow.length; k++) {
                sum += reduce(aRow[k] * column[k]);
            }
            row[j] = reduce(sum);
        }
        return row;
    }

    /** x mod 2^31 - 1 for 0 <= x < 2^62, without division: 2^31 is 1 modulo the prime. */
    static long reduce(long x) {
        long r = (x & MODULUS) + (x >>> 31);
        r = (r & MODULUS) + (r >>> 31);
        return r >= MODULUS ? r - MODULUS : r;
    }

    /** An entry of A or B: the seed, the matrix and the position mixed (SplitMix64's finaliser). */
    static long entry(long seed, long tag, long position) {
        long z = seed ^ (tag * 0x9E3779B97F4A7C15L) ^ (position * 0xBF58476D1CE4E5B9L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Long.remainderUnsigned(z, MODULUS);
    }

    static String rowHash(int index, long[] row) {
        ByteBuffer bytes = ByteBuffer.allocate(4 + 8 * row.length).putInt(index);
        for (long value : row) {
            bytes.putLong(value);
        }
        return Sha256.hex(bytes.array());
    }
}
