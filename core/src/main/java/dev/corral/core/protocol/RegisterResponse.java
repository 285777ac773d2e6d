package dev.corral.core.protocol;

/** The id the coordinator gave the device, and its owner. */
public record RegisterResponse(String deviceId, String ownerAccountId) {}
