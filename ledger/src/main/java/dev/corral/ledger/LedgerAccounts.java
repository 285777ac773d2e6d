package dev.corral.ledger;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Currency;

/**
 * Names of ledger accounts. A user's wallet, a cluster's escrow, the network fee, and per
 * currency the two sources whose negative balance is everything that ever entered: the
 * external account (money from outside) and the mint (IO created at genesis or as block
 * rewards). Burned IO goes to the burn account, which nothing ever debits. So the sum over
 * all accounts of a currency is always zero.
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

    /** The same user's wallet in another currency ("user:acc_1:USD" to "user:acc_1:IO"). */
    public static String sameUserIn(String userWallet, Currency currency) {
        if (!userWallet.startsWith("user:")) {
            throw new IllegalArgumentException("not a user wallet: " + userWallet);
        }
        return userWallet.substring(0, userWallet.lastIndexOf(':') + 1) + currency;
    }

    /** The designated market maker that sells IO for the buy-and-burn, at the oracle price. */
    public static String marketMaker(Currency currency) {
        return "system:market-maker:" + currency;
    }

    /** Where one stake's IO is held while it is staked and cooling down. */
    public static String stake(String stakeId) {
        return "stake:" + stakeId + ":" + Currency.IO;
    }

    public static String mint(Currency currency) {
        return "system:mint:" + currency;
    }

    public static String burn(Currency currency) {
        return "system:burn:" + currency;
    }

    public static String genesis(String bucket) {
        return "system:genesis:" + bucket + ":" + Currency.IO;
    }

    /** Only the sources, external and mint, may go below zero. */
    public static boolean mayGoNegative(String ledgerAccount) {
        return ledgerAccount.startsWith("system:external:") || ledgerAccount.startsWith("system:mint:");
    }
}
