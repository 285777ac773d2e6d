package dev.corral.core.protocol;

/**
 * The device's commitment to its answer: the Merkle root over the rows of the product, and
 * over the rows of its walkers' final states when the challenge has a memory part (else null).
 */
public record ChallengeCommit(String root, String walkRoot) {}
