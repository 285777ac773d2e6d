package dev.corral.store;

import dev.corral.core.AccountId;
import java.time.Instant;

/** A stored account, its referral code, and the account that referred it if any. */
public record AccountRow(AccountId id, String name, Instant createdAt, String referralCode, AccountId referredBy) {}
