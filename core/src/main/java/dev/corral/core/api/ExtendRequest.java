package dev.corral.core.api;

/** Adds hours to a cluster; the extra price is held in escrow at once. */
public record ExtendRequest(Integer hours) {}
