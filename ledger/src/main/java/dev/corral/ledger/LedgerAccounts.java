package dev.corral.ledger;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Currency;

/**
 * Names of ledger accounts. A user's wallet, a cluster's escrow, the network fee, and the
 * one external account per currency whose negative balance is everything that came in
 * from outside: so the sum over all accounts of a currency is always zero.
 */
public final class LedgerAccounts {
    private LedgerAccounts() {}

    public static String user(AccountId account, Currency currency) {
        return "user:" + account.value() + ":" + currency;
    }

    public static String escrow(ClusterId cluster, Currency currency) {
        return "escrow:" + cluster.value() + ":" + currency;
    }

    public static String networkFee(Currency currency) {
        return "system:network-fee:" + currency;
    }

    public static String external(Currency currency) {
        return "system:external:" + currency;
    }

    /** Only the external account may go below zero. */
    public static boolean mayGoNegative(String ledgerAccount) {
        return ledgerAccount.startsWith("system:external:");
    }
}
