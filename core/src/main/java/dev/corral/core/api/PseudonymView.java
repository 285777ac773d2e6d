package dev.corral.core.api;

/**
 * An account's pseudonym in the public journal ({@code user:PSEUDONYM:CUR}), with the
 * coordinator's Ed25519 signature (by the ledger key) over {@link #statement}: its owner can
 * show anyone which pseudonym is theirs, and anyone can check it with the ledger key.
 */
public record PseudonymView(String accountId, String pseudonym, String statement, String signature) {
    /** The signed text: the account and its pseudonym. */
    public static String statement(String accountId, String pseudonym) {
        return "corral-pseudonym-v1\n" + accountId + "\n" + pseudonym;
    }
}
