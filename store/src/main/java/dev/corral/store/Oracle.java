package dev.corral.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The IO/USD price history: micro-USD per whole IO, newest last. */
public final class Oracle {
    /** One price and when it was set. */
    public record Price(Instant setAt, long microsPerIo) {}

    public void set(Connection c, long microsPerIo, Instant at) throws SQLException {
        Sql.update(c, "INSERT INTO oracle_price (set_at, micros_per_io) VALUES (?, ?)", at.toEpochMilli(), microsPerIo);
    }

    public Optional<Price> current(Connection c) throws SQLException {
        return Sql.one(c, "SELECT set_at, micros_per_io FROM oracle_price ORDER BY seq DESC LIMIT 1",
                row -> new Price(Instant.ofEpochMilli(row.getLong(1)), row.getLong(2)));
    }

    /** The newest prices, newest first. */
    public List<Price> history(Connection c, int limit) throws SQLException {
        return Sql.list(c, "SELECT set_at, micros_per_io FROM oracle_price ORDER BY seq DESC LIMIT ?",
                row -> new Price(Instant.ofEpochMilli(row.getLong(1)), row.getLong(2)), limit);
    }
}
