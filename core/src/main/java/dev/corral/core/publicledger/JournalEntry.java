package dev.corral.core.publicledger;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Sha256;

/**
 * A transfer as the public journal holds it: its place in the chain, the hash of the entry
 * before it, and its own hash over both and every field, so changing, dropping or
 * reordering any entry breaks every hash after it.
 */
public record JournalEntry(long seq, Transfer transfer, long createdAtMillis, String prevHash, String hash) {
    /** The previous hash of the first entry. */
    public static final String GENESIS_HASH = "0".repeat(64);
    /** The most entries one page of the public journal holds. */
    public static final int PAGE_MAX = 5_000;

    public JournalEntry {
        requireNonNull(transfer, "transfer is null");
        requireNonNull(prevHash, "prevHash is null");
        requireNonNull(hash, "hash is null");
    }

    /** Makes the entry that follows prevHash at this place in the chain. */
    public static JournalEntry chain(long seq, Transfer transfer, long createdAtMillis, String prevHash) {
        return new JournalEntry(seq, transfer, createdAtMillis, prevHash, hashOf(seq, transfer, createdAtMillis, prevHash));
    }

    /** The hash this entry must have, computed from its contents. */
    public static String hashOf(long seq, Transfer t, long createdAtMillis, String prevHash) {
        return Sha256.hex(String.join("\n", "corral-journal-v1", Long.toString(seq), prevHash, t.idempotencyKey(),
                t.debitAccount(), t.creditAccount(), Long.toString(t.amount().minor()), t.amount().currency().name(),
                t.kind().name(), t.clusterId() == null ? "-" : t.clusterId(), Long.toString(createdAtMillis)));
    }
}
