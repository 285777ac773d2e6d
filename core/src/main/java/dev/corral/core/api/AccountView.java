package dev.corral.core.api;

/** The caller's account: available balance, what is held in escrow for its clusters, and what its devices earned. */
public record AccountView(String accountId, String name, Amount available, Amount heldInEscrow, Amount earned,
        String referralCode, Amount referralRewards) {}
