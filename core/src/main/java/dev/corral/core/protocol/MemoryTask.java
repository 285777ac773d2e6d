package dev.corral.core.protocol;

/**
 * The memory part of a GPU's challenge (dev.corral.proofs.MemoryWalk): a table of {@code items}
 * 64-bit values, each {@code rounds} hashes of the challenge's seed, and {@code walkers} walks
 * of {@code steps} random reads over it.
 */
public record MemoryTask(long items, int rounds, int walkers, int steps) {}
