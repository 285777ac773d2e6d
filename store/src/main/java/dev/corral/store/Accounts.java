package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.ledger.LedgerAccounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Accounts and their API-key hashes; creating one opens its wallet in the ledger. */
public final class Accounts {
    private static final int REFERRAL_CODE_BYTES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Creates an account. Its name is a display name, which others may share: a sign-up must not
     * tell whether someone else took a name.
     */
    public void create(Connection c, AccountId id, String name, String apiKeyHash, Instant now, AccountId referredBy)
            throws SQLException {
        createAll(c, List.of(new NewAccount(id, name, apiKeyHash, referredBy)), now);
    }

    /** An account to create: id, name, API key hash, and who referred it (or null). */
    public record NewAccount(AccountId id, String name, String apiKeyHash, AccountId referredBy) {}

    /** Creates accounts with their wallets in every currency, in batches, each with a referral code of its own. */
    public void createAll(Connection c, List<NewAccount> accounts, Instant now) throws SQLException {
        Sql.batch(c, "INSERT INTO account (id, name, api_key_hash, created_at, referral_code, referred_by) "
                + "VALUES (?, ?, ?, ?, ?, ?)", accounts.stream().map(a -> new Object[] {a.id().value(), a.name(),
                        a.apiKeyHash(), now.toEpochMilli(), newReferralCode(),
                        a.referredBy() == null ? null : a.referredBy().value()}).toList());
        List<Object[]> wallets = new ArrayList<>();
        for (NewAccount account : accounts) {
            for (Currency currency : Currency.values()) {
                wallets.add(new Object[] {LedgerAccounts.user(account.id(), currency), currency.name()});
            }
        }
        Sql.batch(c, "INSERT INTO ledger_account (id, currency, balance, may_go_negative) VALUES (?, ?, 0, FALSE)",
                wallets);
    }

    public Optional<AccountRow> byApiKeyHash(Connection c, String apiKeyHash) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE api_key_hash = ?", Accounts::map, apiKeyHash);
    }

    /** Locks the account's row until the transaction ends: what one account does then happens one at a time. */
    public void lock(Connection c, AccountId id) throws SQLException {
        Sql.one(c, "SELECT id FROM account WHERE id = ? FOR UPDATE", row -> row.getString(1), id.value());
    }

    public Optional<AccountRow> byId(Connection c, AccountId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE id = ?", Accounts::map, id.value());
    }

    public Optional<AccountRow> byReferralCode(Connection c, String code) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE referral_code = ?", Accounts::map, code);
    }

    /** An account's code for inviting others: derived from its id, so it is unique. */
    /**
     * A referral code: 80 random bits, related to nothing (a code taken from the account's id
     * told anyone holding it part of the id).
     */
    static String newReferralCode() {
        byte[] bits = new byte[REFERRAL_CODE_BYTES];
        RANDOM.nextBytes(bits);
        return "ref-" + HexFormat.of().formatHex(bits);
    }

    private static AccountRow map(ResultSet row) throws SQLException {
        String referredBy = row.getString("referred_by");
        return new AccountRow(new AccountId(row.getString("id")), row.getString("name"),
                Instant.ofEpochMilli(row.getLong("created_at")), row.getString("referral_code"),
                referredBy == null ? null : new AccountId(referredBy));
    }
}
