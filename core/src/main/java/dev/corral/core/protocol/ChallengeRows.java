package dev.corral.core.protocol;

/** The rows of the product and of the walkers (null without a memory part) the coordinator wants opened, chosen after the commitment. */
public record ChallengeRows(int[] rows, int[] walkRows) {}
