package dev.corral.core.api;

/** Burn this much IO (decimal, up to 9 places) for IOSD at the oracle price. */
public record MintIosdRequest(String io) {}
