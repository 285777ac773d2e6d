package dev.corral.core.api;

/** Stake IO on an account (a supplier, a customer, or oneself). */
public record StakeRequest(String on, String io) {}
