package dev.corral.core.protocol;

/** The device's commitment to its answer: the Merkle root over the rows of the product. */
public record ChallengeCommit(String root) {}
