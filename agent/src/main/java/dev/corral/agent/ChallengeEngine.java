package dev.corral.agent;

import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
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

    /** A GPU challenge's memory part: the table in memory, the walks over it and their commitment; given up likewise. */
    MemoryWalk.Answer walk(MemoryWalk.Spec spec, BooleanSupplier giveUp);

    @Override
    void close();
}
