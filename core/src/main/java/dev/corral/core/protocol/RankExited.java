package dev.corral.core.protocol;

/** A rank's process ended with this exit code. */
public record RankExited(int rank, int exitCode) {}
