package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.ledger.LedgerAccounts;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Accounts and their API-key hashes; creating one opens its wallet in the ledger. */
public final class Accounts {
    private final Ledger ledger;

    public Accounts(Ledger ledger) {
        this.ledger = ledger;
    }

    public void create(Connection c, AccountId id, String name, String apiKeyHash, Instant now, AccountId referredBy)
            throws SQLException {
        if (byName(c, name).isPresent()) {
            throw new DuplicateException("an account named '" + name + "' exists already");
        }
        Sql.update(c, "INSERT INTO account (id, name, api_key_hash, created_at, referral_code, referred_by) "
                + "VALUES (?, ?, ?, ?, ?, ?)", id.value(), name, apiKeyHash, now.toEpochMilli(), referralCodeOf(id),
                referredBy == null ? null : referredBy.value());
        for (Currency currency : Currency.values()) {
            ledger.open(c, LedgerAccounts.user(id, currency), currency);
        }
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
