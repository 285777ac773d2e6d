package dev.corral.store;

import dev.corral.core.AccountId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Prices quoted to customers: what request each priced (in a canonical text form), the price
 * per device-hour in micro-USD, and until when a deploy of that request may use it.
 */
public final class Quotes {
    public record Quote(String id, AccountId owner, String request, long priceMicros, Instant createdAt,
            Instant expiresAt) {}

    public void insert(Connection c, Quote q) throws SQLException {
        Sql.update(c, "INSERT INTO quote (id, owner_id, request, price_micros, created_at, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", q.id(), q.owner().value(), q.request(), q.priceMicros(),
                q.createdAt().toEpochMilli(), q.expiresAt().toEpochMilli());
    }

    /** The quote if this account was given it. */
    public Optional<Quote> owned(Connection c, AccountId owner, String id) throws SQLException {
        return Sql.one(c, "SELECT * FROM quote WHERE id = ? AND owner_id = ?", row -> new Quote(row.getString("id"),
                new AccountId(row.getString("owner_id")), row.getString("request"), row.getLong("price_micros"),
                Instant.ofEpochMilli(row.getLong("created_at")), Instant.ofEpochMilli(row.getLong("expires_at"))),
                id, owner.value());
    }

    public int pruneExpiredBefore(Connection c, Instant cutoff) throws SQLException {
        return Sql.update(c, "DELETE FROM quote WHERE expires_at < ?", cutoff.toEpochMilli());
    }
}
