package dev.corral.core.api;

import java.util.List;

/**
 * The caller's account: available balance, what is held in escrow for its clusters, what its
 * devices earned, its referral code and rewards, and its standing as a customer: reputation,
 * the discount tier the price oracle applies, and the reports against it, newest first.
 */
public record AccountView(String accountId, String name, Amount available, Amount heldInEscrow, Amount earned,
        String referralCode, Amount referralRewards, double reputation, String discountTier, double discountPercent,
        long clustersRunToEnd, List<ReportView> reports) {}
