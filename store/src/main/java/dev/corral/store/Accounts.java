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

    public void create(Connection c, AccountId id, String name, String apiKeyHash, Instant now) throws SQLException {
        if (byName(c, name).isPresent()) {
            throw new DuplicateException("an account named '" + name + "' exists already");
        }
        Sql.update(c, "INSERT INTO account (id, name, api_key_hash, created_at) VALUES (?, ?, ?, ?)",
                id.value(), name, apiKeyHash, now.toEpochMilli());
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

    public Optional<AccountRow> byName(Connection c, String name) throws SQLException {
        return Sql.one(c, "SELECT * FROM account WHERE name = ?", Accounts::map, name);
    }

    private static AccountRow map(ResultSet row) throws SQLException {
        return new AccountRow(new AccountId(row.getString("id")), row.getString("name"),
                Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
