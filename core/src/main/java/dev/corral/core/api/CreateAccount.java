package dev.corral.core.api;

/** Asks for a new account; the answer carries its API key, shown once. */
public record CreateAccount(String name) {}
