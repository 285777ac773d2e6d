package dev.corral.proofs;

import dev.corral.core.Sha256;
import dev.corral.core.merkle.MerkleTree;
import dev.corral.core.protocol.MemoryTask;
import dev.corral.core.protocol.OpenedRow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The memory part of a GPU's challenge: proof that the card holds the memory it claims. It has
 * two phases. First the device fills a table of {@code items} 64-bit values, each
 * {@code rounds} rounds of a hash of the seed and its index (so an item costs as much to
 * compute again as {@code rounds} hashes), and says so. Only then does the coordinator draw
 * the walk seed, and the walks' short deadline starts: {@code walkers} independent walks of
 * {@code steps} steps from starts drawn from the walk seed, each step reading the item its
 * walker's state points at and mixing it into the state. The walks read the table at random,
 * each item about {@link ChallengePolicy#MEMORY_READS_PER_ITEM} times, so a card that holds
 * only part of it must compute the rest again at every read, and the rounds make that cost far
 * more than reading on any card the catalog lists: it answers after the walks' deadline. The
 * device commits to the walks' final states with a Merkle root over rows of
 * {@link #WALKERS_PER_ROW}; the coordinator then draws {@link #ROWS_CHECKED} rows, and checks
 * {@link #WALKERS_CHECKED_PER_ROW} walker of each by walking it itself, computing each item it
 * reads from the seed ({@code steps x (rounds + 1)} hashes a walker): it never holds the table.
 * The agent's GPU kernels (agent/src/main/cuda/challenge.cu) compute the same bits.
 */
public final class MemoryWalk {
    public static final long TAG_ITEM = 0x4DL;
    public static final long TAG_WALKER = 0x57L;
    public static final int WALKERS_PER_ROW = 256;
    /** Many rows, one walker checked in each: a device that skips a share f of the rows passes with (1 - f)^8. */
    public static final int ROWS_CHECKED = 8;
    public static final int WALKERS_CHECKED_PER_ROW = 1;
    /** 262,144 rows of 256 walkers: 512 MiB of final states to copy back and commit to. */
    public static final int ROWS_MAX = 262_144;
    public static final int ROUNDS_MAX = 4_096;
    public static final int STEPS_MAX = 1 << 20;
    /** 1 TiB of table: more than any one card holds. */
    public static final long ITEMS_MAX = 1L << 37;
    /** The CPU path's table is held in arrays of this many items (1 GiB each): a Java array holds fewer than 2^31. */
    static final int CHUNK_ITEMS_LOG2 = 27;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long MIX_1 = 0xBF58476D1CE4E5B9L;
    private static final long MIX_2 = 0x94D049BB133111EBL;

    /** What a device is asked to compute: the table from {@code seed}, and walks over it (from a walk seed drawn once it is filled). */
    public record Spec(long seed, long items, int rounds, int walkers, int steps) {
        public Spec {
            if (items < 1 || items > ITEMS_MAX) {
                throw new IllegalArgumentException("memory items must be 1.." + ITEMS_MAX);
            }
            if (rounds < 1 || rounds > ROUNDS_MAX) {
                throw new IllegalArgumentException("memory rounds must be 1.." + ROUNDS_MAX);
            }
            if (walkers % WALKERS_PER_ROW != 0 || walkers / WALKERS_PER_ROW < ROWS_CHECKED
                    || walkers / WALKERS_PER_ROW > ROWS_MAX) {
                throw new IllegalArgumentException("walkers must be " + ROWS_CHECKED + ".." + ROWS_MAX + " rows of "
                        + WALKERS_PER_ROW);
            }
            if (steps < 1 || steps > STEPS_MAX) {
                throw new IllegalArgumentException("steps must be 1.." + STEPS_MAX);
            }
        }

        /** The memory part of the challenge with this seed, as the coordinator sent it. */
        public static Spec of(long seed, MemoryTask task) {
            return new Spec(seed, task.items(), task.rounds(), task.walkers(), task.steps());
        }

        public int rows() {
            return walkers / WALKERS_PER_ROW;
        }

        /** Bytes of the table the device must hold. */
        public long tableBytes() {
            return 8 * items;
        }
    }

    /** The table as the CPU path holds it: chunks of 2^{@link #CHUNK_ITEMS_LOG2} items. */
    public record Table(long[][] chunks) {
        long at(long index) {
            return chunks[(int) (index >>> CHUNK_ITEMS_LOG2)][(int) (index & ((1 << CHUNK_ITEMS_LOG2) - 1))];
        }
    }

    /** A device's answer: every walker's final state, and the Merkle root over its rows it commits to. */
    public record Answer(long[] states, List<String> rowHashes, String root) {}

    private MemoryWalk() {}

    /** The device's first phase on the CPU: the table in memory, on every core. */
    public static Table fill(Spec spec, BooleanSupplier giveUp) {
        int chunks = (int) ((spec.items() + (1L << CHUNK_ITEMS_LOG2) - 1) >>> CHUNK_ITEMS_LOG2);
        long[][] table = new long[chunks][];
        for (int chunk = 0; chunk < chunks; chunk++) {
            long first = (long) chunk << CHUNK_ITEMS_LOG2;
            long[] items = new long[(int) Math.min(1L << CHUNK_ITEMS_LOG2, spec.items() - first)];
            int slices = Math.max(1, items.length / WALKERS_PER_ROW);
            IntStream.range(0, slices).parallel().forEach(slice -> {
                if (giveUp.getAsBoolean()) {
                    throw new CancellationException("challenge given up filling its table");
                }
                int end = slice == slices - 1 ? items.length : (slice + 1) * (items.length / slices);
                for (int i = slice * (items.length / slices); i < end; i++) {
                    items[i] = item(spec.seed(), first + i, spec.rounds());
                }
            });
            table[chunk] = items;
        }
        return new Table(table);
    }

    /** The device's second phase on the CPU: every walk from the walk seed over the table, on every core, and the commitment. */
    public static Answer walk(Spec spec, long walkSeed, Table table, BooleanSupplier giveUp) {
        long[] states = new long[spec.walkers()];
        IntStream.range(0, spec.rows()).parallel().forEach(row -> {
            if (giveUp.getAsBoolean()) {
                throw new CancellationException("challenge given up at walker row " + row);
            }
            for (int w = row * WALKERS_PER_ROW; w < (row + 1) * WALKERS_PER_ROW; w++) {
                states[w] = walk(spec, walkSeed, w, table::at);
            }
        });
        return commit(states);
    }

    /** The commitment to the walkers' final states, whatever engine computed them. */
    public static Answer commit(long[] states) {
        int rows = states.length / WALKERS_PER_ROW;
        String[] hashes = new String[rows];
        IntStream.range(0, rows).parallel().forEach(row -> hashes[row] = rowHash(row, statesOf(states, row)));
        List<String> rowHashes = Arrays.asList(hashes);
        return new Answer(states, rowHashes, MerkleTree.root(rowHashes));
    }

    private static long[] statesOf(long[] states, int row) {
        return Arrays.copyOfRange(states, row * WALKERS_PER_ROW, (row + 1) * WALKERS_PER_ROW);
    }

    /** The rows of walkers the device must open, drawn by the coordinator after it has the commitment. */
    public static int[] rowsToCheck(Spec spec, RandomGenerator random) {
        return random.ints(0, spec.rows()).distinct().limit(ROWS_CHECKED).toArray();
    }

    public static List<OpenedRow> open(Answer answer, int[] indices) {
        List<OpenedRow> opened = new ArrayList<>();
        for (int index : indices) {
            opened.add(new OpenedRow(index, statesOf(answer.states(), index), MerkleTree.proof(answer.rowHashes(),
                    index)));
        }
        return opened;
    }

    /**
     * The coordinator's check: every requested row was opened and sits under the committed root,
     * and {@link #WALKERS_CHECKED_PER_ROW} walker of each, drawn now, ends where walking it from
     * the seeds ends.
     */
    public static boolean verify(Spec spec, long walkSeed, String root, int[] indices, List<OpenedRow> opened,
            RandomGenerator random) {
        if (opened.size() != indices.length) {
            return false;
        }
        for (int k = 0; k < indices.length; k++) {
            OpenedRow row = opened.get(k);
            if (row == null || row.index() != indices[k] || row.values() == null
                    || row.values().length != WALKERS_PER_ROW || row.proof() == null || row.proof().contains(null)
                    || !MerkleTree.verify(rowHash(row.index(), row.values()), row.proof(), root)) {
                return false;
            }
            for (int column : random.ints(0, WALKERS_PER_ROW).distinct().limit(WALKERS_CHECKED_PER_ROW).toArray()) {
                if (row.values()[column] != walkWithoutTable(spec, walkSeed, (long) row.index() * WALKERS_PER_ROW
                        + column)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Hashes the coordinator computes to check one challenge. */
    public static long verifierHashes(Spec spec) {
        return (long) ROWS_CHECKED * WALKERS_CHECKED_PER_ROW * spec.steps() * (spec.rounds() + 1L);
    }

    /**
     * A walker's final state as the coordinator computes it, without the table: every item it
     * reads computed from the seed, {@code steps x (rounds + 1)} hashes. A device short of memory
     * pays the same for each item it does not hold.
     */
    public static long walkWithoutTable(Spec spec, long walkSeed, long walker) {
        return walk(spec, walkSeed, walker, index -> item(spec.seed(), index, spec.rounds()));
    }

    /** One walker from its start (drawn from the walk seed): each step reads the item its state points at and mixes it in. */
    static long walk(Spec spec, long walkSeed, long walker, LongUnaryOperator itemAt) {
        long state = mix(walkSeed ^ (TAG_WALKER * GOLDEN_GAMMA) ^ (walker * MIX_1));
        for (int step = 0; step < spec.steps(); step++) {
            state = mix(state ^ itemAt.applyAsLong(Math.unsignedMultiplyHigh(state, spec.items())));
        }
        return state;
    }

    /** Item {@code index} of the table: {@code rounds} rounds of SplitMix64 from the seed, the tag and the index. */
    static long item(long seed, long index, int rounds) {
        long z = seed ^ (TAG_ITEM * GOLDEN_GAMMA) ^ (index * MIX_1);
        for (int round = 0; round < rounds; round++) {
            z = mix(z + GOLDEN_GAMMA);
        }
        return z;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        return z ^ (z >>> 31);
    }

    /** The Merkle leaf of one row of walkers: its index and each final state as 8 bytes, big-endian. */
    public static String rowHash(int index, long[] states) {
        ByteBuffer bytes = ByteBuffer.allocate(4 + 8 * states.length).putInt(index);
        for (long state : states) {
            bytes.putLong(state);
        }
        return Sha256.hex(bytes.array());
    }
}
