package dev.corral.store;

import dev.corral.core.AccountId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The API keys an account made besides its first: by the hash of the key, with an id to name it by. */
public final class ApiKeys {
    /** One key as its owner sees it: its id, label and when it was made (never the key). */
    public record Key(String keyId, AccountId account, String label, Instant createdAt) {}

    public void insert(Connection c, String keyHash, Key key) throws SQLException {
        Sql.update(c, "INSERT INTO api_key (key_hash, key_id, account_id, label, created_at) VALUES (?, ?, ?, ?, ?)",
                keyHash, key.keyId(), key.account().value(), key.label(), key.createdAt().toEpochMilli());
    }

    public Optional<AccountId> accountOf(Connection c, String keyHash) throws SQLException {
        return Sql.one(c, "SELECT account_id FROM api_key WHERE key_hash = ?", row -> new AccountId(row.getString(1)),
                keyHash);
    }

    /** The account's keys, oldest first. */
    public List<Key> of(Connection c, AccountId account) throws SQLException {
        return Sql.list(c, "SELECT key_id, label, created_at FROM api_key WHERE account_id = ? ORDER BY created_at, key_id",
                row -> new Key(row.getString(1), account, row.getString(2), Instant.ofEpochMilli(row.getLong(3))),
                account.value());
    }

    /** Deletes the account's key with this id; false if it has none such (another's key included). */
    public boolean delete(Connection c, AccountId account, String keyId) throws SQLException {
        return Sql.update(c, "DELETE FROM api_key WHERE account_id = ? AND key_id = ?", account.value(), keyId) == 1;
    }

    public int count(Connection c, AccountId account) throws SQLException {
        return (int) Sql.number(c, "SELECT COUNT(*) FROM api_key WHERE account_id = ?", account.value());
    }
}
