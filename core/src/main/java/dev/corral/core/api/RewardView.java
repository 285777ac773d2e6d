package dev.corral.core.api;

/** One device's availability reward in one closed epoch. */
public record RewardView(long epoch, String deviceId, Amount amount) {}
