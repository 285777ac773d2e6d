package dev.corral.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Runtimes;
import dev.corral.core.Json;
import dev.corral.core.Telemetry;
import dev.corral.proofs.Reputation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.Optional;

/**
 * Devices. What a device says about itself (hardware, host, runtimes, telemetry) is written
 * only from its signed requests; owner fields only from its owner; the cluster it is hired
 * by only through the conditional {@link #reserve}, so a device is never in two clusters.
 */
public final class Devices {
    static final int CLAIM_FLAGS_LENGTH_MAX = 2_000;
    public void insert(Connection c, DeviceRow d) throws SQLException {
        insertAll(c, List.of(d));
    }

    /** Inserts new devices in one batch; each counts as online since it was last seen. */
    public void insertAll(Connection c, List<DeviceRow> devices) throws SQLException {
        Sql.batch(c, "INSERT INTO device (id, owner_id, public_key, name, hardware, kind, gpu_model, gpu_count, region, "
                + "host, runtimes, min_price_micros, reward_split_io_pct, cluster_id, online, last_seen_at, telemetry, "
                + "created_at, online_since, country, supplier_type, security_tier, connectivity_tier) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                devices.stream().map(d -> new Object[] {d.id().value(), d.owner().value(), d.publicKey(), d.name(),
                        json(d.hardware()), d.hardware().kind().name(), modelName(d.hardware()), d.hardware().gpuCount(),
                        d.region(), d.host(), String.join(",", d.runtimes()), d.minPricePerHourMicros(),
                        d.rewardSplitIoPercent(), d.cluster() == null ? null : d.cluster().value(), d.online(),
                        d.lastSeenAt().toEpochMilli(), d.createdAt().toEpochMilli(), d.lastSeenAt().toEpochMilli(),
                        d.listing().country(), d.listing().supplierType(), d.listing().securityTier(),
                        d.listing().connectivityTier()})
                        .toList());
    }

    public Optional<DeviceRow> byId(Connection c, DeviceId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM device WHERE id = ?", Devices::map, id.value());
    }

    /** The device only if this account owns it: another owner's device looks exactly like a missing one. */
    public Optional<DeviceRow> owned(Connection c, AccountId owner, DeviceId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM device WHERE id = ? AND owner_id = ?", Devices::map, id.value(), owner.value());
    }

    public List<DeviceRow> byOwner(Connection c, AccountId owner) throws SQLException {
        return Sql.list(c, "SELECT * FROM device WHERE owner_id = ? ORDER BY created_at, id", Devices::map,
                owner.value());
    }

    public List<DeviceRow> all(Connection c) throws SQLException {
        return Sql.list(c, "SELECT * FROM device", Devices::map);
    }

    /**
     * A signed heartbeat: the device re-asserts what it is and where, and is online again; the
     * claim flags are what its readings contradict of that (replacing the previous ones). A
     * device that {@code reclaimed} other hardware than it was verified as is unverified again
     * and due a challenge now.
     */
    public void heartbeat(Connection c, DeviceId id, HardwareSpec hardware, String host, List<String> runtimes,
            Telemetry telemetry, List<String> claimFlags, boolean reclaimed, Instant now) throws SQLException {
        String flags = String.join("\n", claimFlags);
        Sql.update(c, "UPDATE device SET hardware = ?, kind = ?, gpu_model = ?, gpu_count = ?, host = ?, runtimes = ?, "
                + "telemetry = ?, online_since = CASE WHEN online THEN online_since ELSE ? END, online = TRUE, "
                + "last_seen_at = ?, claim_flags = ?, verified = CASE WHEN ? THEN FALSE ELSE verified END, "
                + "next_challenge_at = CASE WHEN ? THEN ? ELSE next_challenge_at END WHERE id = ?",
                json(hardware), hardware.kind().name(), modelName(hardware), hardware.gpuCount(), host,
                String.join(",", runtimes), json(telemetry), now.toEpochMilli(), now.toEpochMilli(),
                flags.length() > CLAIM_FLAGS_LENGTH_MAX ? flags.substring(0, CLAIM_FLAGS_LENGTH_MAX) : flags,
                reclaimed, reclaimed, now.toEpochMilli(), id.value());
    }

    /** Ends the device's open challenges as void (no outcome for its reputation): it claimed other hardware. */
    public void voidOpenChallenges(Connection c, DeviceId id, Instant now) throws SQLException {
        Sql.update(c, "UPDATE challenge SET outcome = ?, finished_at = ? WHERE device_id = ? AND outcome IN (?, ?, ?)",
                Challenges.VOID, now.toEpochMilli(), id.value(), Challenges.ISSUED, Challenges.FILLED,
                Challenges.COMMITTED);
    }

    public void updateOwnerFields(Connection c, DeviceId id, String name, long minPriceMicros, int rewardSplitIoPercent,
            String country, String supplierType) throws SQLException {
        Sql.update(c, "UPDATE device SET name = ?, min_price_micros = ?, reward_split_io_pct = ?, country = ?, "
                + "supplier_type = ? WHERE id = ?", name, minPriceMicros, rewardSplitIoPercent, country, supplierType,
                id.value());
    }

    /** The device passed a challenge; if its owner asked for re-verification of a block, the block ends. */
    public void passed(Connection c, DeviceId id) throws SQLException {
        Sql.update(c, "UPDATE device SET verified = TRUE, blocked_reason = CASE WHEN reverify_requested THEN NULL "
                + "ELSE blocked_reason END, blocked_at = CASE WHEN reverify_requested THEN NULL ELSE blocked_at END, "
                + "reverify_requested = FALSE WHERE id = ?", id.value());
    }

    public void block(Connection c, DeviceId id, String reason, Instant now) throws SQLException {
        Sql.update(c, "UPDATE device SET blocked_reason = ?, blocked_at = ?, reverify_requested = FALSE WHERE id = ?",
                reason, now.toEpochMilli(), id.value());
    }

    /** The owner asks for a blocked device to be challenged again, at once. */
    public void requestReverify(Connection c, DeviceId id, Instant now) throws SQLException {
        Sql.update(c, "UPDATE device SET reverify_requested = TRUE, next_challenge_at = ? WHERE id = ?",
                now.toEpochMilli(), id.value());
    }

    /** The operator's tiers for a device; false if there is no such device. */
    public boolean setTiers(Connection c, DeviceId id, int securityTier, int connectivityTier) throws SQLException {
        return Sql.update(c, "UPDATE device SET security_tier = ?, connectivity_tier = ? WHERE id = ?", securityTier,
                connectivityTier, id.value()) == 1;
    }

    /** Records a bandwidth measurement and the connectivity tier it puts the device in. */
    public boolean setBandwidth(Connection c, DeviceId id, DeviceRow.Bandwidth bandwidth, int connectivityTier)
            throws SQLException {
        return Sql.update(c, "UPDATE device SET bandwidth_down_mbps = ?, bandwidth_up_mbps = ?, bandwidth_at = ?, "
                + "connectivity_tier = ? WHERE id = ?", bandwidth.downMbps(), bandwidth.upMbps(),
                bandwidth.measuredAt().toEpochMilli(), connectivityTier, id.value()) == 1;
    }

    /**
     * The standings of the devices that ran a cluster's ranks. Not locked: called when the cluster
     * ends, under its lock, while its devices are still hired and so get no challenges.
     */
    public Map<DeviceId, Reputation.Standing> standingsOfCluster(Connection c, ClusterId cluster) throws SQLException {
        Map<DeviceId, Reputation.Standing> standings = new HashMap<>();
        for (Map.Entry<DeviceId, Reputation.Standing> entry : Sql.list(c, "SELECT d.id, d.standing_good, "
                + "d.standing_bad, d.standing_at FROM cluster_rank r JOIN device d ON d.id = r.device_id "
                + "WHERE r.cluster_id = ?",
                row -> Map.entry(new DeviceId(row.getString(1)), new Reputation.Standing(row.getDouble(2),
                        row.getDouble(3), Instant.ofEpochMilli(row.getLong(4)))), cluster.value())) {
            standings.put(entry.getKey(), entry.getValue());
        }
        return standings;
    }

    public void setStandings(Connection c, Map<DeviceId, Reputation.Standing> standings) throws SQLException {
        Sql.batch(c, "UPDATE device SET standing_good = ?, standing_bad = ?, standing_at = ? WHERE id = ?",
                standings.entrySet().stream().map(e -> new Object[] {e.getValue().good(), e.getValue().bad(),
                        e.getValue().at().toEpochMilli(), e.getKey().value()}).toList());
    }

    /** Adds evidence to a device's standing (read, changed and written under the row's lock). */
    public Reputation.Standing recordStanding(Connection c, DeviceId id, UnaryOperator<Reputation.Standing> change)
            throws SQLException {
        Reputation.Standing now = Sql.one(c, "SELECT standing_good, standing_bad, standing_at FROM device WHERE id = ? "
                + "FOR UPDATE", row -> new Reputation.Standing(row.getDouble(1), row.getDouble(2),
                        Instant.ofEpochMilli(row.getLong(3))), id.value()).orElseThrow();
        Reputation.Standing next = change.apply(now);
        Sql.update(c, "UPDATE device SET standing_good = ?, standing_bad = ?, standing_at = ? WHERE id = ?", next.good(),
                next.bad(), next.at().toEpochMilli(), id.value());
        return next;
    }

    /** A device as block rewards see it: who owns it and its GPUs (no model: a CPU device). */
    public record Earner(DeviceId id, AccountId owner, String gpuModel, int gpuCount, long uptimeMillis) {}

    /**
     * Devices able to take work (a runtime) that were online at some time in [from, to), each with
     * its time online in that span (closed stretches plus the current one) and the GPUs it proves:
     * none unless it computes its challenges on them (the {@code cuda} runtime).
     */
    public List<Earner> uptimeBetween(Connection c, Instant from, Instant to) throws SQLException {
        long start = from.toEpochMilli();
        long end = to.toEpochMilli();
        Map<String, Long> closed = new HashMap<>();
        for (Map.Entry<String, Long> stretch : Sql.list(c, "SELECT device_id, SUM(LEAST(to_ms, ?) - GREATEST(from_ms, ?)) "
                + "FROM device_online WHERE to_ms > ? AND from_ms < ? GROUP BY device_id",
                row -> Map.entry(row.getString(1), row.getLong(2)), end, start, start, end)) {
            closed.put(stretch.getKey(), stretch.getValue());
        }
        return Sql.list(c, "SELECT id, owner_id, gpu_model, gpu_count, online, online_since, runtimes FROM device "
                + "WHERE runtimes <> ''", row -> {
                    long uptime = closed.getOrDefault(row.getString(1), 0L);
                    Long since = Sql.nullableLong(row, "online_since");
                    if (row.getBoolean(5) && since != null && since < end) {
                        uptime += end - Math.max(since, start);
                    }
                    // Its GPUs count only when it proves them, computing its challenges on them; else it is a CPU device.
                    boolean gpusProven = List.of(row.getString(7).split(",")).contains(Runtimes.CUDA);
                    return new Earner(new DeviceId(row.getString(1)), new AccountId(row.getString(2)),
                            gpusProven ? row.getString(3) : null, gpusProven ? row.getInt(4) : 0,
                            Math.min(uptime, end - start));
                }).stream().filter(e -> e.uptimeMillis() > 0).toList();
    }

    /**
     * The owner's devices' time online in [from, to), closed stretches plus the current one, by
     * device; a device never online in the span is absent.
     */
    public Map<DeviceId, Long> uptimeOfOwnerBetween(Connection c, AccountId owner, Instant from, Instant to)
            throws SQLException {
        long start = from.toEpochMilli();
        long end = to.toEpochMilli();
        Map<DeviceId, Long> uptime = new HashMap<>();
        Sql.list(c, "SELECT o.device_id, SUM(LEAST(o.to_ms, ?) - GREATEST(o.from_ms, ?)) FROM device_online o "
                + "JOIN device d ON d.id = o.device_id WHERE d.owner_id = ? AND o.to_ms > ? AND o.from_ms < ? "
                + "GROUP BY o.device_id", row -> uptime.merge(new DeviceId(row.getString(1)), row.getLong(2), Long::sum),
                end, start, owner.value(), start, end);
        Sql.list(c, "SELECT id, online_since FROM device WHERE owner_id = ? AND online = TRUE AND online_since IS NOT NULL "
                + "AND online_since < ?",
                row -> uptime.merge(new DeviceId(row.getString(1)), end - Math.max(row.getLong(2), start), Long::sum),
                owner.value(), end);
        uptime.replaceAll((device, millis) -> Math.min(millis, end - start));
        return uptime;
    }

    /** Online devices of one GPU model (null for CPU devices): how many, and how many of them are idle. */
    public record OnlineCount(String gpuModel, int online, int idle, int hired) {}

    /**
     * Online devices by the model their challenges prove, none for a CPU device. Idle is what
     * {@code DeviceStatus.IDLE} says: verified, not blocked, not hired; hired is in a cluster.
     */
    public List<OnlineCount> onlineByModel(Connection c) throws SQLException {
        // A GPU claim counts as its model only where the device computes on its GPUs (ChallengePolicy.proven, whose
        // module the store does not see).
        return Sql.list(c, "SELECT m, COUNT(*), SUM(idle), SUM(hired) FROM (SELECT CASE WHEN runtimes LIKE '%cuda%' "
                + "THEN gpu_model END AS m, CASE WHEN cluster_id IS NULL AND verified AND blocked_reason IS NULL THEN 1 "
                + "ELSE 0 END AS idle, CASE WHEN cluster_id IS NULL THEN 0 ELSE 1 END AS hired FROM device "
                + "WHERE online = TRUE) online_devices GROUP BY m",
                row -> new OnlineCount(row.getString(1), row.getInt(2), row.getInt(3), row.getInt(4)));
    }

    /** How many online devices have this proven GPU model (none: a CPU device) and this many GPUs. */
    public record OnlineShape(String gpuModel, int gpuCount, int devices) {}

    public List<OnlineShape> onlineByShape(Connection c) throws SQLException {
        return Sql.list(c, "SELECT m, gpu_count, COUNT(*) FROM (SELECT CASE WHEN runtimes LIKE '%cuda%' THEN gpu_model "
                + "END AS m, gpu_count FROM device WHERE online = TRUE) online_devices GROUP BY m, gpu_count",
                row -> new OnlineShape(row.getString(1), row.getInt(2), row.getInt(3)));
    }

    /** Online devices by the country their owner listed (ISO 3166-1 alpha-2; empty where none was given). */
    public Map<String, Integer> onlineByCountry(Connection c) throws SQLException {
        Map<String, Integer> byCountry = new TreeMap<>();
        Sql.list(c, "SELECT country, COUNT(*) FROM device WHERE online = TRUE GROUP BY country",
                row -> byCountry.put(row.getString(1), row.getInt(2)));
        return byCountry;
    }

    /** Forgets closed stretches online that ended before the cutoff (epochs that far back are closed). */
    public int pruneOnlineBefore(Connection c, Instant cutoff) throws SQLException {
        return Sql.update(c, "DELETE FROM device_online WHERE to_ms < ?", cutoff.toEpochMilli());
    }

    /** Hires the device for the cluster if it is still online and free; false if another got it first. */
    public boolean reserve(Connection c, DeviceId id, ClusterId cluster) throws SQLException {
        return Sql.update(c, "UPDATE device SET cluster_id = ? WHERE id = ? AND cluster_id IS NULL AND online",
                cluster.value(), id.value()) == 1;
    }

    /** Frees one device from whatever cluster holds it. */
    public void releaseOne(Connection c, DeviceId id) throws SQLException {
        Sql.update(c, "UPDATE device SET cluster_id = NULL WHERE id = ?", id.value());
    }

    public int release(Connection c, ClusterId cluster) throws SQLException {
        return Sql.update(c, "UPDATE device SET cluster_id = NULL WHERE cluster_id = ?", cluster.value());
    }

    /** Marks offline every online device not seen since the cutoff, and returns them: a scan of every device. */
    public List<DeviceRow> markOfflineSince(Connection c, Instant cutoff) throws SQLException {
        List<DeviceId> stale = Sql.list(c, "SELECT id FROM device WHERE online AND last_seen_at < ?",
                row -> new DeviceId(row.getString(1)), cutoff.toEpochMilli());
        return markOffline(c, stale, cutoff);
    }

    /**
     * Marks offline those of these devices that are online and not seen since the cutoff (a
     * heartbeat may have come since they were picked), and returns them as they are now.
     */
    public List<DeviceRow> markOffline(Connection c, Collection<DeviceId> candidates, Instant cutoff)
            throws SQLException {
        List<DeviceRow> marked = new ArrayList<>();
        for (DeviceId device : candidates) {
            if (Sql.update(c, "UPDATE device SET online = FALSE WHERE id = ? AND online AND last_seen_at < ?",
                    device.value(), cutoff.toEpochMilli()) == 1) {
                Sql.update(c, "INSERT INTO device_online (device_id, from_ms, to_ms) SELECT id, online_since, last_seen_at "
                        + "FROM device WHERE id = ? AND online_since IS NOT NULL", device.value());
                byId(c, device).ifPresent(marked::add);
            }
        }
        return marked;
    }

    private static String modelName(HardwareSpec hardware) {
        return hardware.model() == null ? null : hardware.model().name();
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> T fromJson(String text, Class<T> type) {
        try {
            return text == null ? null : Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not valid JSON", e);
        }
    }

    private static DeviceRow map(ResultSet row) throws SQLException {
        String cluster = row.getString("cluster_id");
        String runtimes = row.getString("runtimes");
        return new DeviceRow(new DeviceId(row.getString("id")), new AccountId(row.getString("owner_id")),
                row.getString("public_key"), row.getString("name"),
                fromJson(row.getString("hardware"), HardwareSpec.class), row.getString("region"), row.getString("host"),
                runtimes.isEmpty() ? List.of() : Arrays.asList(runtimes.split(",")), row.getLong("min_price_micros"),
                row.getInt("reward_split_io_pct"), cluster == null ? null : new ClusterId(cluster),
                row.getBoolean("online"), Instant.ofEpochMilli(row.getLong("last_seen_at")),
                fromJson(row.getString("telemetry"), Telemetry.class), Instant.ofEpochMilli(row.getLong("created_at")),
                new DeviceRow.Listing(row.getString("country"), row.getString("supplier_type"), row.getInt("security_tier"),
                        row.getInt("connectivity_tier"), Sql.nullableLong(row, "bandwidth_at") == null ? null
                                : new DeviceRow.Bandwidth(row.getLong("bandwidth_down_mbps"),
                                        row.getLong("bandwidth_up_mbps"), Instant.ofEpochMilli(row.getLong("bandwidth_at")))),
                new Reputation.Standing(row.getDouble("standing_good"), row.getDouble("standing_bad"),
                        Instant.ofEpochMilli(row.getLong("standing_at"))),
                new DeviceRow.Verification(row.getBoolean("verified"), row.getString("blocked_reason"),
                        Sql.nullableLong(row, "blocked_at") == null ? null
                                : Instant.ofEpochMilli(row.getLong("blocked_at")), row.getBoolean("reverify_requested"),
                        row.getString("claim_flags").isEmpty() ? List.of()
                                : List.of(row.getString("claim_flags").split("\n"))));
    }
}
