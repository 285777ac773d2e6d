package dev.corral.core.api;

import java.time.Instant;

/** One ledger transfer touching the caller's accounts; id is its position in the public journal. */
public record TransferView(long id, String kind, String debitAccount, String creditAccount, Amount amount,
        String clusterId, Instant createdAt) {}
