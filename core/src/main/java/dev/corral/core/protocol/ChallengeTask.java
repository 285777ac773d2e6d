package dev.corral.core.protocol;

import java.time.Instant;

/**
 * An availability challenge for the device: which of its GPUs computes it (0 for a CPU device;
 * a device on the GPU engine gets one challenge for each GPU it claims, all with one deadline),
 * the seed and size of the matrices, the memory part (a GPU's only; null for a CPU device) and
 * the deadline for its commitment.
 */
public record ChallengeTask(String challengeId, int gpu, long seed, int size, MemoryTask memory, Instant deadline) {}
