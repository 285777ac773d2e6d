package dev.corral.store;

import dev.corral.core.AccountId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Web sessions by the hash of their cookie's token. */
public final class WebSessions {
    /** A signed-in session: whose, the token its pages send back with each change, and until when. */
    public record Session(String tokenHash, AccountId account, String csrfToken, Instant createdAt, Instant expiresAt) {}

    public void insert(Connection c, Session session) throws SQLException {
        Sql.update(c, "INSERT INTO web_session (token_hash, account_id, csrf_token, created_at, expires_at) "
                        + "VALUES (?, ?, ?, ?, ?)", session.tokenHash(), session.account().value(), session.csrfToken(),
                session.createdAt().toEpochMilli(), session.expiresAt().toEpochMilli());
    }

    /** The session with this token hash, unless it has ended by {@code now}. */
    public Optional<Session> live(Connection c, String tokenHash, Instant now) throws SQLException {
        return Sql.one(c, "SELECT token_hash, account_id, csrf_token, created_at, expires_at FROM web_session "
                        + "WHERE token_hash = ? AND expires_at > ?",
                row -> new Session(row.getString(1), new AccountId(row.getString(2)), row.getString(3),
                        Instant.ofEpochMilli(row.getLong(4)), Instant.ofEpochMilli(row.getLong(5))),
                tokenHash, now.toEpochMilli());
    }

    public boolean delete(Connection c, String tokenHash) throws SQLException {
        return Sql.update(c, "DELETE FROM web_session WHERE token_hash = ?", tokenHash) == 1;
    }

    /** Ends the account's sessions but its newest {@code keep}; how many it ended. */
    public int keepNewestOf(Connection c, AccountId account, int keep) throws SQLException {
        return Sql.update(c, "DELETE FROM web_session WHERE account_id = ? AND token_hash NOT IN (SELECT token_hash "
                + "FROM web_session WHERE account_id = ? ORDER BY created_at DESC, token_hash LIMIT ?)",
                account.value(), account.value(), keep);
    }

    public int pruneEndedBefore(Connection c, Instant now) throws SQLException {
        return Sql.update(c, "DELETE FROM web_session WHERE expires_at <= ?", now.toEpochMilli());
    }
}
