package dev.corral.core.protocol;

/** The rows the coordinator wants opened, chosen after the commitment. */
public record ChallengeRows(int[] rows) {}
