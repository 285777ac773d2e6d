package dev.corral.core.api;

import java.time.Instant;

/** A stake: who staked how much IO on whom, whether it is active or cooling down, and when it is released. */
public record StakeView(String stakeId, String stakerAccountId, String targetAccountId, Amount amount, String state,
        Instant createdAt, Instant releaseAt) {}
