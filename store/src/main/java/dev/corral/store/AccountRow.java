package dev.corral.store;

import dev.corral.core.AccountId;
import java.time.Instant;

/** A stored account. */
public record AccountRow(AccountId id, String name, Instant createdAt) {}
