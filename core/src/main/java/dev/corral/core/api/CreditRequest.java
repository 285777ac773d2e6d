package dev.corral.core.api;

/** The admin adds funds to an account: the stand-in for a payment processor. */
public record CreditRequest(String accountId, String amountUsd) {}
