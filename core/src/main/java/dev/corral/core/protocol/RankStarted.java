package dev.corral.core.protocol;

/** A rank's process started; rank 0 says where its head listens. */
public record RankStarted(int rank, String headAddr) {}
