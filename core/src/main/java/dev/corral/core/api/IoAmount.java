package dev.corral.core.api;

/** An amount of IO, as decimal text with up to 9 places: to burn for IOSD, or to fund the market maker with. */
public record IoAmount(String io) {}
