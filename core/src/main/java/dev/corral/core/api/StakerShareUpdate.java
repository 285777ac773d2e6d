package dev.corral.core.api;

/** The percent (1 to 3) of its rewards an account gives the IO staked on it. */
public record StakerShareUpdate(Integer percent) {}
