package dev.corral.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The network's device figures sampled over time, oldest first: what the Explorer charts. */
public final class NetworkSamples {
    /** Devices online, idle (verified and free) and hired at one moment. */
    public record Sample(Instant at, int online, int idle, int hired) {}

    public void add(Connection c, Sample sample) throws SQLException {
        Sql.update(c, "INSERT INTO network_sample (at_ms, devices_online, devices_idle, devices_hired) VALUES (?, ?, ?, ?)",
                sample.at().toEpochMilli(), sample.online(), sample.idle(), sample.hired());
    }

    public Optional<Instant> latest(Connection c) throws SQLException {
        return Sql.one(c, "SELECT at_ms FROM network_sample ORDER BY at_ms DESC LIMIT 1",
                row -> Instant.ofEpochMilli(row.getLong(1)));
    }

    /** The samples taken at or after {@code since}, oldest first, at most {@code limit}. */
    public List<Sample> since(Connection c, Instant since, int limit) throws SQLException {
        return Sql.list(c, "SELECT at_ms, devices_online, devices_idle, devices_hired FROM network_sample "
                        + "WHERE at_ms >= ? ORDER BY at_ms LIMIT ?",
                row -> new Sample(Instant.ofEpochMilli(row.getLong(1)), row.getInt(2), row.getInt(3), row.getInt(4)),
                since.toEpochMilli(), limit);
    }

    public int pruneBefore(Connection c, Instant cutoff) throws SQLException {
        return Sql.update(c, "DELETE FROM network_sample WHERE at_ms < ?", cutoff.toEpochMilli());
    }
}
