package dev.corral.store;

import dev.corral.core.DeviceId;
import dev.corral.core.protocol.MemoryTask;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Availability challenges: ISSUED to a device, FILLED once a GPU said its memory part's table is
 * filled and was given its walk seed (the deadline then moves to the walks'), COMMITTED once it
 * sent its roots and was asked for rows, then PASSED, WRONG, LATE or MISSING (no answer by the
 * deadline).
 */
public final class Challenges {
    public static final String ISSUED = "ISSUED";
    public static final String FILLED = "FILLED";
    public static final String COMMITTED = "COMMITTED";
    /**
     * A challenge ended without an answer counted either way: its device claimed other
     * hardware while it was open, so passing it would prove nothing of the new claim.
     */
    public static final String VOID = "VOID";

    /**
     * One challenge, to one of the device's GPUs (0 for a CPU device). Its memory part, the time
     * the walks get, the walk seed drawn when the table was filled, and what the device committed
     * to and was asked of it, are null without one (or before). The challenges a device was sent
     * together share their issue time.
     */
    public record Challenge(String id, DeviceId device, int gpu, long seed, int size, MemoryTask memory,
            Duration walkAllowance, Instant issuedAt, Instant deadline, Long walkSeed, String root, int[] rowsAsked,
            String walkRoot, int[] walkRowsAsked, String outcome, Instant finishedAt) {}

    public void insert(Connection c, Challenge k) throws SQLException {
        MemoryTask memory = k.memory();
        Sql.update(c, "INSERT INTO challenge (id, device_id, gpu, seed, size, memory_items, memory_rounds, "
                + "memory_walkers, memory_steps, walk_allowance_ms, issued_at, deadline_at, outcome) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k.id(), k.device().value(), k.gpu(), k.seed(), k.size(),
                memory == null ? null : memory.items(),
                memory == null ? null : memory.rounds(), memory == null ? null : memory.walkers(),
                memory == null ? null : memory.steps(), k.walkAllowance() == null ? null : k.walkAllowance().toMillis(),
                k.issuedAt().toEpochMilli(), k.deadline().toEpochMilli(), ISSUED);
    }

    /** The challenge only if it was sent to this device: another device's looks exactly like a missing one. */
    public Optional<Challenge> lockOwned(Connection c, DeviceId device, String id) throws SQLException {
        return Sql.one(c, "SELECT * FROM challenge WHERE id = ? AND device_id = ? FOR UPDATE", Challenges::map, id,
                device.value());
    }

    /** The challenge only if it was sent to this device, unlocked: for reading what was committed. */
    public Optional<Challenge> owned(Connection c, DeviceId device, String id) throws SQLException {
        return Sql.one(c, "SELECT * FROM challenge WHERE id = ? AND device_id = ?", Challenges::map, id, device.value());
    }

    /** Challenges the device has not committed to yet and may still answer. */
    public List<Challenge> issuedTo(Connection c, DeviceId device) throws SQLException {
        return Sql.list(c, "SELECT * FROM challenge WHERE device_id = ? AND outcome IN (?, ?) ORDER BY issued_at, gpu",
                Challenges::map, device.value(), ISSUED, FILLED);
    }

    /** The table is filled: the walks start from this seed and must be committed to by the new deadline. */
    public void filled(Connection c, String id, long walkSeed, Instant deadline) throws SQLException {
        Sql.update(c, "UPDATE challenge SET outcome = ?, walk_seed = ?, deadline_at = ? WHERE id = ? AND outcome = ?",
                FILLED, walkSeed, deadline.toEpochMilli(), id, ISSUED);
    }

    /** The device's commitments and the rows it was asked to open (the walks' null without a memory part). */
    public void commit(Connection c, String id, String root, int[] rows, String walkRoot, int[] walkRows)
            throws SQLException {
        Sql.update(c, "UPDATE challenge SET outcome = ?, root = ?, rows_asked = ?, walk_root = ?, walk_rows_asked = ? "
                + "WHERE id = ? AND outcome IN (?, ?)", COMMITTED, root, joined(rows), walkRoot,
                walkRows == null ? null : joined(walkRows), id, ISSUED, FILLED);
    }

    private static String joined(int[] rows) {
        return Arrays.stream(rows).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    private static int[] split(String rows) {
        return rows == null ? null : Arrays.stream(rows.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    public void finish(Connection c, String id, String outcome, Instant now) throws SQLException {
        Sql.update(c, "UPDATE challenge SET outcome = ?, finished_at = ? WHERE id = ? AND outcome IN (?, ?, ?)", outcome,
                now.toEpochMilli(), id, ISSUED, FILLED, COMMITTED);
    }

    /** Unfinished challenges whose deadline (plus the grace for opening rows) has passed. */
    public List<Challenge> overdue(Connection c, Instant cutoff) throws SQLException {
        return Sql.list(c, "SELECT * FROM challenge WHERE outcome IN (?, ?, ?) AND deadline_at < ?", Challenges::map,
                ISSUED, FILLED, COMMITTED, cutoff.toEpochMilli());
    }

    /** Online, unhired devices that are due a challenge and have none open. */
    public List<DeviceId> devicesDue(Connection c, Instant now, int limit) throws SQLException {
        return Sql.list(c, "SELECT d.id FROM device d WHERE d.online = TRUE AND d.cluster_id IS NULL "
                + "AND d.next_challenge_at <= ? AND (d.blocked_reason IS NULL OR d.reverify_requested) "
                + "AND NOT EXISTS (SELECT 1 FROM challenge k "
                + "WHERE k.device_id = d.id AND k.outcome IN (?, ?, ?)) LIMIT ?", row -> new DeviceId(row.getString(1)),
                now.toEpochMilli(), ISSUED, FILLED, COMMITTED, limit);
    }

    public void setNextDue(Connection c, DeviceId device, Instant at) throws SQLException {
        Sql.update(c, "UPDATE device SET next_challenge_at = ? WHERE id = ?", at.toEpochMilli(), device.value());
    }

    /**
     * Whether every challenge the device was sent with this one (one for each of its GPUs) has
     * passed: only then has it proven what it claims.
     */
    public boolean togetherPassed(Connection c, Challenge challenge) throws SQLException {
        return Sql.one(c, "SELECT 1 FROM challenge WHERE device_id = ? AND issued_at = ? AND outcome <> 'PASSED' LIMIT 1",
                row -> true, challenge.device().value(), challenge.issuedAt().toEpochMilli()).isEmpty();
    }

    /** Devices that passed a challenge finished in [from, to), with every challenge sent together with it. */
    public Set<DeviceId> passedBetween(Connection c, Instant from, Instant to) throws SQLException {
        return new HashSet<>(Sql.list(c, "SELECT DISTINCT k.device_id FROM challenge k WHERE k.outcome = 'PASSED' "
                + "AND k.finished_at >= ? AND k.finished_at < ? AND NOT EXISTS (SELECT 1 FROM challenge o "
                + "WHERE o.device_id = k.device_id AND o.issued_at = k.issued_at AND o.outcome <> 'PASSED')",
                row -> new DeviceId(row.getString(1)), from.toEpochMilli(), to.toEpochMilli()));
    }

    /** Challenges passed and failed (WRONG, LATE or MISSING; a VOID one counts neither way) by a device, of those that finished in [from, to). */
    public record Tally(int passed, int failed) {}

    public Map<DeviceId, Tally> tallyFinishedBetween(Connection c, Instant from, Instant to) throws SQLException {
        Map<DeviceId, Tally> tallies = new HashMap<>();
        Sql.list(c, "SELECT device_id, outcome FROM challenge WHERE finished_at >= ? AND finished_at < ? AND outcome <> ?",
                row -> {
            boolean passed = "PASSED".equals(row.getString(2));
            return tallies.merge(new DeviceId(row.getString(1)), new Tally(passed ? 1 : 0, passed ? 0 : 1),
                    (a, b) -> new Tally(a.passed() + b.passed(), a.failed() + b.failed()));
        }, from.toEpochMilli(), to.toEpochMilli(), VOID);
        return tallies;
    }

    /** A device's challenges, newest first. */
    public List<Challenge> ofDevice(Connection c, DeviceId device, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM challenge WHERE device_id = ? ORDER BY issued_at DESC, id LIMIT ?",
                Challenges::map, device.value(), limit);
    }

    private static Challenge map(ResultSet row) throws SQLException {
        Long finished = Sql.nullableLong(row, "finished_at");
        Long items = Sql.nullableLong(row, "memory_items");
        MemoryTask memory = items == null ? null : new MemoryTask(items, row.getInt("memory_rounds"),
                row.getInt("memory_walkers"), row.getInt("memory_steps"));
        Long walkAllowance = Sql.nullableLong(row, "walk_allowance_ms");
        return new Challenge(row.getString("id"), new DeviceId(row.getString("device_id")), row.getInt("gpu"),
                row.getLong("seed"), row.getInt("size"), memory,
                walkAllowance == null ? null : Duration.ofMillis(walkAllowance),
                Instant.ofEpochMilli(row.getLong("issued_at")), Instant.ofEpochMilli(row.getLong("deadline_at")),
                Sql.nullableLong(row, "walk_seed"), row.getString("root"),
                split(row.getString("rows_asked")), row.getString("walk_root"), split(row.getString("walk_rows_asked")),
                row.getString("outcome"), finished == null ? null : Instant.ofEpochMilli(finished));
    }
}
