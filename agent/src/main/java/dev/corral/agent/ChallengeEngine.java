package dev.corral.agent;

import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What computes this device's availability challenges: the GPU when the agent can drive it,
 * otherwise every CPU core. Whichever it is, the answer is the same bits.
 */
public interface ChallengeEngine extends AutoCloseable {
    /** What it computes on, for logs and benchmarks: "cpu (16 cores)", "cuda (NVIDIA H100 80GB HBM3)". */
    String description();

    /** Whether it computes on a GPU: the agent then declares the {@code cuda} runtime, and challenges are sized for the card. */
    boolean gpu();

    /** The product and its commitment, given up (CancellationException) as soon as {@code giveUp} says so. */
    MatrixChallenge.Answer compute(MatrixChallenge.Spec spec, BooleanSupplier giveUp);

    /**
     * A GPU challenge's memory part, first phase: the table in the engine's memory (the card's),
     * held until the returned table is closed; given up likewise.
     */
    FilledTable fill(MemoryWalk.Spec spec, BooleanSupplier giveUp);

    /** A memory part's table, filled and held; closing it frees the memory. */
    interface FilledTable extends AutoCloseable {
        /** The second phase: the walks from this seed over the table, and their commitment; given up likewise. */
        MemoryWalk.Answer walk(long walkSeed, BooleanSupplier giveUp);

        @Override
        void close();
    }

    /**
     * The engine of GPU {@code gpu} of this device (each challenge names the GPU that computes
     * it), or empty when this machine cannot compute on such a card; a single engine is GPU 0's.
     */
    default Optional<ChallengeEngine> card(int gpu) {
        return gpu == 0 ? Optional.of(this) : Optional.empty();
    }

    @Override
    void close();
}
