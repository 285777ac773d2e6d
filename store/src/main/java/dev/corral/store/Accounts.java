package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.ledger.LedgerAccounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Accounts and their API-key hashes; creating one opens its wallet in the ledger. */
public final class Accounts {
    public void create(Connection c, AccountId id, String name, String apiKeyHash, Instant now, AccountId referredBy)
            throws SQLException {
        if (byName(c, name).isPresent()) {
            throw new DuplicateException("an account named '" + name + "' exists already");
        }
        createAll(c, List.of(new NewAccount(id, name, apiKeyHash, referredBy)), now);
    }

    /** An account to create: id, unique name, API key hash, and who referred it (or null). */
    public record NewAccount(AccountId id, String name, String apiKeyHash, AccountId referredBy) {}

    /** Creates accounts with their wallets in every currency, in batches; names must be new. */
    public void createAll(Connection c, List<NewAccount> accounts, Instant now) throws SQLException {
        Sql.batch(c, "INSERT INTO account (id, name, api_key_hash, created_at, referral_code, referred_by) "
                + "VALUES (?, ?, ?, ?, ?, ?)", accounts.stream().map(a -> new Object[] {a.id().value(), a.name(),
                        a.apiKeyHash(), now.toEpochMilli(), referralCodeOf(a.id()),
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

    public Optional<AccountRow> byId(Connection c, AccountId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE id = ?", Accounts::map, id.value());
    }

    public Optional<AccountRow> byReferralCode(Connection c, String code) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE referral_code = ?", Accounts::map, code);
    }

    /** An account's code for inviting others: derived from its id, so it is unique. */
    static String referralCodeOf(AccountId id) {
        return "ref-" + id.value().substring(AccountId.PREFIX.length() + 1, AccountId.PREFIX.length() + 13);
    }

    public Optional<AccountRow> byName(Connection c, String name) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE name = ?", Accounts::map, name);
    }

    private static AccountRow map(ResultSet row) throws SQLException {
        String referredBy = row.getString("referred_by");
        return new AccountRow(new AccountId(row.getString("id")), row.getString("name"),
                Instant.ofEpochMilli(row.getLong("created_at")), row.getString("referral_code"),
                referredBy == null ? null : new AccountId(referredBy));
    }
}
