package dev.corral.store;

import dev.corral.core.DeviceId;
import dev.corral.core.Telemetry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Devices' telemetry over time: a copy of each online device's latest reading, taken now and then. */
public final class TelemetrySamples {
    /** One device's reading at one moment. */
    public record Sample(Instant at, Telemetry telemetry) {}

    /** Copies the latest telemetry of every online device that reported any, as taken at {@code at}; how many. */
    public int takeOfOnlineDevices(Connection c, Instant at) throws SQLException {
        return Sql.update(c, "INSERT INTO telemetry_sample (device_id, at_ms, telemetry) SELECT id, ?, telemetry "
                + "FROM device WHERE online = TRUE AND telemetry IS NOT NULL", at.toEpochMilli());
    }

    public Optional<Instant> latest(Connection c) throws SQLException {
        return Sql.one(c, "SELECT at_ms FROM telemetry_sample ORDER BY at_ms DESC LIMIT 1",
                row -> Instant.ofEpochMilli(row.getLong(1)));
    }

    /** The device's samples taken at or after {@code since}, oldest first, at most {@code limit}. */
    public List<Sample> of(Connection c, DeviceId device, Instant since, int limit) throws SQLException {
        return Sql.list(c, "SELECT at_ms, telemetry FROM telemetry_sample WHERE device_id = ? AND at_ms >= ? "
                + "ORDER BY at_ms LIMIT ?", row -> new Sample(Instant.ofEpochMilli(row.getLong(1)),
                        Devices.fromJson(row.getString(2), Telemetry.class)), device.value(), since.toEpochMilli(), limit);
    }

    public int pruneBefore(Connection c, Instant cutoff) throws SQLException {
        return Sql.update(c, "DELETE FROM telemetry_sample WHERE at_ms < ?", cutoff.toEpochMilli());
    }
}
