package dev.corral.core.protocol;

import java.time.Instant;

/**
 * The coordinator's answer to a device that filled its memory part's table: the walk seed,
 * drawn now, and the deadline for the commitment to the walks. Both null when the table came
 * after the challenge's deadline (the outcome is then LATE).
 */
public record ChallengeWalk(Long walkSeed, Instant deadline) {}
