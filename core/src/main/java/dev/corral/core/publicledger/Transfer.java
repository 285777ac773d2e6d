package dev.corral.core.publicledger;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Money;

/**
 * One balanced movement: the debit account loses exactly what the credit account gains.
 * The idempotency key makes a retried transfer a no-op rather than a second payment.
 */
public record Transfer(String idempotencyKey, String debitAccount, String creditAccount, Money amount,
        TransferKind kind, String clusterId) {
    public static final int KEY_LENGTH_MAX = 200;

    public Transfer {
        requireNonNull(idempotencyKey, "idempotencyKey is null");
        requireNonNull(debitAccount, "debitAccount is null");
        requireNonNull(creditAccount, "creditAccount is null");
        requireNonNull(amount, "amount is null");
        requireNonNull(kind, "kind is null");
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > KEY_LENGTH_MAX) {
            throw new IllegalArgumentException("idempotency key must be 1.." + KEY_LENGTH_MAX + " characters");
        }
        if (debitAccount.equals(creditAccount)) {
            throw new IllegalArgumentException("a transfer needs two different accounts: " + debitAccount);
        }
        if (amount.minor() <= 0) {
            throw new IllegalArgumentException("a transfer moves a positive amount, not " + amount);
        }
    }
}
