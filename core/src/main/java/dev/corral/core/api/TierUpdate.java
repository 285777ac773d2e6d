package dev.corral.core.api;

/** The network operator's tiers for a device after checking it: security and connectivity, each 1..4. */
public record TierUpdate(Integer securityTier, Integer connectivityTier) {}
