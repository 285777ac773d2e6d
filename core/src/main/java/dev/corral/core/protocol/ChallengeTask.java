package dev.corral.core.protocol;

import java.time.Instant;

/**
 * An availability challenge for the device: the seed and size of the matrices, the memory part
 * (a GPU's only; null for a CPU device) and the deadline for its commitment.
 */
public record ChallengeTask(String challengeId, long seed, int size, MemoryTask memory, Instant deadline) {}
