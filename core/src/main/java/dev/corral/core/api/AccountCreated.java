package dev.corral.core.api;

/** A new account and its API key. Only a hash of the key is kept, so this is the one time it is shown. */
public record AccountCreated(String accountId, String name, String apiKey, String referralCode) {}
