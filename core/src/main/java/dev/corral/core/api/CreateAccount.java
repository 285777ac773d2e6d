package dev.corral.core.api;

/** Asks for a new account, optionally with the referral code of the account that invited it. */
public record CreateAccount(String name, String referralCode) {}
