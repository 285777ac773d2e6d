package dev.corral.core.api;

/** Asks for another API key for the caller's account, with a label to tell it apart (1-64 characters). */
public record ApiKeyRequest(String label) {}
