package dev.corral.proofs;

import dev.corral.core.Sha256;
import dev.corral.core.merkle.MerkleTree;
import dev.corral.core.protocol.OpenedRow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The availability challenge. From a seed, a device builds two n x n matrices A and B with
 * entries modulo the Mersenne prime 2^31 - 1 (exact integer arithmetic, so every honest
 * device gets the same bits), computes C = A x B (n^3 multiply-adds) and commits to C with a
 * Merkle root over its rows. Only then does the coordinator pick a few rows at random; the
 * device opens them in full with their Merkle paths, and the coordinator checks that each
 * sits under the root and recomputes a few random entries of it (n multiply-adds each, with
 * the column of B built from the seed). The device cannot tell which entries are checked,
 * because it opened whole rows. A device that left a fraction f of the entries uncomputed
 * passes only with probability about (1 - f)^k for k = {@link #ROWS_CHECKED} x
 * {@link #ENTRIES_CHECKED_PER_ROW} entries checked; one that answers for another seed, or
 * replays an old answer, fails the first entry.
 */
public final class MatrixChallenge {
    public static final long MODULUS = (1L << 31) - 1;
    /** Three n x n matrices of 32-bit values are 3 GB here: what any data-center GPU holds. */
    public static final int SIZE_MAX = 16_384;
    public static final int ROWS_CHECKED = 3;
    public static final int ENTRIES_CHECKED_PER_ROW = 8;
    public static final long TAG_A = 0x41L;
    public static final long TAG_B = 0x42L;

    /** What a device is asked to compute. */
    public record Spec(long seed, int size) {
        public Spec {
            if (size < ROWS_CHECKED || size > SIZE_MAX) {
                throw new IllegalArgumentException("challenge size must be " + ROWS_CHECKED + ".." + SIZE_MAX);
            }
        }
    }

    /** A device's answer: every row of C (each entry below {@link #MODULUS}, so 32 bits), and the Merkle root it commits to. */
    public record Answer(int[][] rows, List<String> rowHashes, String root) {}

    private MatrixChallenge() {}

    /** The device's work: the whole product and the commitment to it, on every core. */
    public static Answer compute(Spec spec) {
        return compute(spec, () -> false);
    }

    /**
     * The device's work, given up (CancellationException) as soon as {@code giveUp} says so:
     * an answer after the deadline counts for nothing, so computing on would only waste power.
     */
    public static Answer compute(Spec spec, BooleanSupplier giveUp) {
        long[][] bColumns = columnsOfB(spec);
        int[][] rows = new int[spec.size()][];
        IntStream.range(0, spec.size()).parallel().forEach(i -> {
            if (giveUp.getAsBoolean()) {
                throw new CancellationException("challenge given up at row " + i);
            }
            rows[i] = productRow(rowOfA(spec, i), bColumns);
        });
        return commit(rows);
    }

    /** The commitment to a computed product, whatever engine computed it: its row hashes (on every core) and their root. */
    public static Answer commit(int[][] rows) {
        String[] hashes = new String[rows.length];
        IntStream.range(0, rows.length).parallel().forEach(i -> hashes[i] = rowHash(i, rows[i]));
        List<String> rowHashes = Arrays.asList(hashes);
        return new Answer(rows, rowHashes, MerkleTree.root(rowHashes));
    }

    /** The rows the device must open, drawn by the coordinator after it has the commitment. */
    public static int[] rowsToCheck(Spec spec, RandomGenerator random) {
        return random.ints(0, spec.size()).distinct().limit(ROWS_CHECKED).toArray();
    }

    /** The device opens the requested rows of its answer. */
    public static List<OpenedRow> open(Answer answer, int[] indices) {
        List<OpenedRow> opened = new ArrayList<>();
        for (int index : indices) {
            long[] values = Arrays.stream(answer.rows()[index]).asLongStream().toArray();
            opened.add(new OpenedRow(index, values, MerkleTree.proof(answer.rowHashes(), index)));
        }
        return opened;
    }

    /**
     * The coordinator's check: every requested row was opened, sits under the committed root,
     * and holds the true value of A x B at {@link #ENTRIES_CHECKED_PER_ROW} entries drawn now.
     */
    public static boolean verify(Spec spec, String root, int[] indices, List<OpenedRow> opened, RandomGenerator random) {
        if (opened.size() != indices.length) {
            return false;
        }
        int n = spec.size();
        for (int k = 0; k < indices.length; k++) {
            OpenedRow row = opened.get(k);
            int[] values = row.values() == null ? null : entries(row.values());
            if (row.index() != indices[k] || values == null || values.length != n
                    || !MerkleTree.verify(rowHash(row.index(), values), row.proof(), root)) {
                return false;
            }
            long[] aRow = rowOfA(spec, row.index());
            for (int column : random.ints(0, n).distinct().limit(Math.min(ENTRIES_CHECKED_PER_ROW, n)).toArray()) {
                if (values[column] != productEntry(spec, aRow, column)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The opened values as entries of C, or null when one of them cannot be (negative, or not below the modulus). */
    private static int[] entries(long[] values) {
        int[] entries = new int[values.length];
        for (int j = 0; j < values.length; j++) {
            if (values[j] < 0 || values[j] >= MODULUS) {
                return null;
            }
            entries[j] = (int) values[j];
        }
        return entries;
    }

    /** One row of C from the seed alone, without B in memory: n^2 multiply-adds and n^2 entries of B built. */
    public static int[] row(Spec spec, int index) {
        long[] aRow = rowOfA(spec, index);
        int[] row = new int[spec.size()];
        for (int j = 0; j < row.length; j++) {
            row[j] = (int) productEntry(spec, aRow, j);
        }
        return row;
    }

    /** Multiply-adds the device does for a challenge of this size, and the coordinator to check one. */
    public static long deviceWork(int size) {
        return (long) size * size * size;
    }

    /** Per opened row: one row of A and, per checked entry, a column of B and its dot product. */
    public static long verifierWork(int size) {
        return (long) ROWS_CHECKED * (1 + 2L * ENTRIES_CHECKED_PER_ROW) * size;
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

    static int[] productRow(long[] aRow, long[][] bColumns) {
        int[] row = new int[bColumns.length];
        for (int j = 0; j < bColumns.length; j++) {
            row[j] = (int) dot(aRow, bColumns[j]);
        }
        return row;
    }

    /** C[i][column] from the row of A and the column of B built from the seed alone. */
    static long productEntry(Spec spec, long[] aRow, int column) {
        int n = spec.size();
        long sum = 0;
        for (int k = 0; k < n; k++) {
            sum += reduce(aRow[k] * entry(spec.seed(), TAG_B, (long) k * n + column));
        }
        return reduce(sum);
    }

    /** Each term is below 2^31 and there are at most {@link #SIZE_MAX} = 2^14 of them: the sum stays below 2^45. */
    private static long dot(long[] a, long[] b) {
        long sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += reduce(a[k] * b[k]);
        }
        return reduce(sum);
    }

    /** x mod 2^31 - 1 for 0 <= x < 2^62, without division: 2^31 is 1 modulo the prime. */
    static long reduce(long x) {
        long r = (x & MODULUS) + (x >>> 31);
        r = (r & MODULUS) + (r >>> 31);
        return r >= MODULUS ? r - MODULUS : r;
    }

    /**
     * An entry of A or B: the seed, the matrix and the position mixed (SplitMix64's finaliser).
     * The agent's GPU kernel (agent/src/main/cuda/challenge.cu) builds the same entries.
     */
    static long entry(long seed, long tag, long position) {
        long z = seed ^ (tag * 0x9E3779B97F4A7C15L) ^ (position * 0xBF58476D1CE4E5B9L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Long.remainderUnsigned(z, MODULUS);
    }

    /** The Merkle leaf of one row of C: its index and values (each as 8 bytes, big-endian). */
    public static String rowHash(int index, int[] row) {
        ByteBuffer bytes = ByteBuffer.allocate(4 + 8 * row.length).putInt(index);
        for (int value : row) {
            bytes.putLong(value);
        }
        return Sha256.hex(bytes.array());
    }
}
