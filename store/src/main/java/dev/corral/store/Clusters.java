package dev.corral.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.EndReason;
import dev.corral.core.Json;
import dev.corral.core.Money;
import dev.corral.core.RankState;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.Endpoint;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Clusters and their ranks. State changes are conditional updates ("from one of these
 * states"), so two racing actors (the sweeper and a rank's exit, say) cannot both end it.
 */
public final class Clusters {
    private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {};
    private static final String ACTIVE =
            "('" + ClusterState.PENDING + "', '" + ClusterState.DEPLOYING + "', '" + ClusterState.RUNNING + "')";

    public void insert(Connection c, ClusterRow k) throws SQLException {
        Sql.update(c, "INSERT INTO cluster (id, owner_id, idempotency_key, name, state, reason, type, cmd, env, kind, "
                + "gpu_model, gpus_per_device, device_count, hours, region, price_micros, currency, head_addr, created_at, "
                + "ranks_waiting, conditions, ranks_open, container, framework, on_device_loss, restart_max) VALUES (?, ?, ?, ?, "
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
                k.id().value(), k.owner().value(), k.idempotencyKey(), k.name(), k.state().name(), k.reason(), k.type(),
                k.cmd(), Devices.json(k.env()), k.kind().name(), k.gpuModel(), k.gpusPerDevice(), k.count(), k.hours(),
                k.region(), k.pricePerDeviceHour().minor(), k.currency().name(), k.createdAt().toEpochMilli(), k.count(),
                k.conditions(), k.count(), k.container() == null ? null : Devices.json(k.container()), k.framework(),
                k.onDeviceLoss(), k.restartMax());
    }

    public void insertRank(Connection c, RankRow r) throws SQLException {
        Sql.update(c, "INSERT INTO cluster_rank (cluster_id, rank_no, device_id, supplier_id, state) VALUES (?, ?, ?, ?, ?)",
                r.cluster().value(), r.rank(), r.device().value(), r.supplier().value(), r.state().name());
    }

    public Optional<ClusterRow> byId(Connection c, ClusterId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM cluster WHERE id = ?", Clusters::map, id.value());
    }

    /** Locks the cluster row for the rest of the transaction. */
    public Optional<ClusterRow> lock(Connection c, ClusterId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM cluster WHERE id = ? FOR UPDATE", Clusters::map, id.value());
    }

    /** The cluster only if this account owns it: another owner's cluster looks exactly like a missing one. */
    public Optional<ClusterRow> owned(Connection c, AccountId owner, ClusterId id) throws SQLException {
        return Sql.one(c, "SELECT * FROM cluster WHERE id = ? AND owner_id = ?", Clusters::map, id.value(),
                owner.value());
    }

    public Optional<ClusterRow> byIdempotencyKey(Connection c, AccountId owner, String key) throws SQLException {
        return Sql.one(c, "SELECT * FROM cluster WHERE owner_id = ? AND idempotency_key = ?", Clusters::map,
                owner.value(), key);
    }

    /** Clusters of this owner that ran to their end: completed, or ran out of paid time. */
    public long countRunToEnd(Connection c, AccountId owner) throws SQLException {
        return Sql.number(c, "SELECT COUNT(*) FROM cluster WHERE owner_id = ? AND state IN ('COMPLETED', 'EXPIRED')",
                owner.value());
    }

    public List<ClusterRow> byOwner(Connection c, AccountId owner, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM cluster WHERE owner_id = ? ORDER BY created_at DESC, id LIMIT ?",
                Clusters::map, owner.value(), limit);
    }

    /**
     * Each device of the cluster's ranks, and each device a rank was lost on, with the percent
     * of its pay its owner takes in IO.
     */
    public Map<DeviceId, Integer> rewardSplitsOfDevices(Connection c, ClusterId cluster) throws SQLException {
        Map<DeviceId, Integer> splits = new HashMap<>();
        Sql.list(c, "SELECT d.id, d.reward_split_io_pct FROM device d WHERE d.id IN (SELECT device_id FROM "
                + "cluster_rank WHERE cluster_id = ? UNION SELECT device_id FROM rank_stint WHERE cluster_id = ?)", row -> {
                    splits.put(new DeviceId(row.getString(1)), row.getInt(2));
                    return null;
                }, cluster.value(), cluster.value());
        return splits;
    }

    /**
     * The suppliers of the cluster's ranks (and of the devices its ranks were lost on) whom
     * someone referred: the referrer, and when the supplier joined.
     */
    public Map<AccountId, AccountRow> referralsOfSuppliers(Connection c, ClusterId cluster) throws SQLException {
        Map<AccountId, AccountRow> referred = new HashMap<>();
        Sql.list(c, "SELECT a.id, a.created_at, a.referred_by FROM account a WHERE a.referred_by IS NOT NULL AND a.id IN "
                + "(SELECT supplier_id FROM cluster_rank WHERE cluster_id = ? UNION SELECT supplier_id FROM rank_stint "
                + "WHERE cluster_id = ?)", row -> {
                    AccountId id = new AccountId(row.getString(1));
                    referred.put(id, new AccountRow(id, null, Instant.ofEpochMilli(row.getLong(2)), null,
                            new AccountId(row.getString(3))));
                    return null;
                }, cluster.value(), cluster.value());
        return referred;
    }

    /** What the escrow accounts of an owner's clusters that have not ended hold (named as LedgerAccounts.escrow names them). */
    public Money heldInEscrow(Connection c, AccountId owner, Currency currency) throws SQLException {
        return new Money(Sql.number(c, "SELECT COALESCE(SUM(a.balance), 0) FROM ledger_account a JOIN cluster k "
                + "ON a.id = 'escrow:' || k.id || ':' || a.currency WHERE k.owner_id = ? AND a.currency = ? "
                + "AND k.state IN " + ACTIVE, owner.value(), currency.name()), currency);
    }

    public List<ClusterRow> active(Connection c) throws SQLException {
        return Sql.list(c, "SELECT * FROM cluster WHERE state IN " + ACTIVE, Clusters::map);
    }

    public Map<ClusterState, Integer> countByState(Connection c) throws SQLException {
        return Sql.list(c, "SELECT state, COUNT(*) AS n FROM cluster GROUP BY state",
                row -> Map.entry(ClusterState.valueOf(row.getString("state")), row.getInt("n")))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Device-time served by clusters in each state, in milliseconds: each cluster's devices times
     * the time from running to its end (to {@code now} while it runs). A rank lost early counts
     * to the cluster's end: the figure is what the clusters held, not what each rank served.
     */
    public Map<ClusterState, Long> deviceMillisByState(Connection c, Instant now) throws SQLException {
        return Sql.list(c, "SELECT state, SUM(CAST(device_count AS BIGINT) * (COALESCE(ended_at, ?) - running_at)) AS ms "
                        + "FROM cluster WHERE running_at IS NOT NULL GROUP BY state",
                row -> Map.entry(ClusterState.valueOf(row.getString("state")), row.getLong("ms")), now.toEpochMilli())
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public Optional<RankRow> rank(Connection c, ClusterId cluster, int rank) throws SQLException {
        return Sql.one(c, "SELECT * FROM cluster_rank WHERE cluster_id = ? AND rank_no = ?", Clusters::mapRank,
                cluster.value(), rank);
    }

    public List<RankRow> ranks(Connection c, ClusterId cluster) throws SQLException {
        return Sql.list(c, "SELECT * FROM cluster_rank WHERE cluster_id = ? ORDER BY rank_no", Clusters::mapRank,
                cluster.value());
    }

    /** How many of the cluster's ranks have started (running or since ended). */
    public long ranksStarted(Connection c, ClusterId cluster) throws SQLException {
        return Sql.number(c, "SELECT COUNT(*) FROM cluster_rank WHERE cluster_id = ? AND started_at IS NOT NULL",
                cluster.value());
    }

    /** The ranks a device must run now: of active clusters, not yet exited. */
    public List<RankRow> liveRanksOf(Connection c, DeviceId device) throws SQLException {
        return Sql.list(c, "SELECT r.* FROM cluster_rank r JOIN cluster k ON k.id = r.cluster_id "
                + "WHERE r.device_id = ? AND r.state IN (?, ?) AND k.state IN " + ACTIVE + " ORDER BY r.cluster_id",
                Clusters::mapRank, device.value(), RankState.ASSIGNED.name(), RankState.STARTED.name());
    }

    /** Moves the cluster to a new state if it is in one of the expected ones; false if it was not. */
    public boolean transition(Connection c, ClusterId id, List<ClusterState> from, ClusterState to, String reason,
            Instant now) throws SQLException {
        String states = from.stream().map(state -> "'" + state.name() + "'").collect(Collectors.joining(", "));
        String ended = to.isFinal() ? ", ended_at = ?" : "";
        Object[] params = to.isFinal()
                ? new Object[] {to.name(), reason, now.toEpochMilli(), id.value()}
                : new Object[] {to.name(), reason, id.value()};
        return Sql.update(c, "UPDATE cluster SET state = ?, reason = ?" + ended + " WHERE id = ? AND state IN ("
                + states + ")", params) == 1;
    }

    /** Why the cluster ended, as a type. */
    public void setReasonCode(Connection c, ClusterId id, EndReason code) throws SQLException {
        Sql.update(c, "UPDATE cluster SET reason_code = ? WHERE id = ?", code.name(), id.value());
    }

    public void markRunning(Connection c, ClusterId id, Instant runningAt, Instant expiresAt) throws SQLException {
        Sql.update(c, "UPDATE cluster SET running_at = ?, expires_at = ? WHERE id = ?", runningAt.toEpochMilli(),
                expiresAt.toEpochMilli(), id.value());
    }

    public void extend(Connection c, ClusterId id, int hours, Instant expiresAt) throws SQLException {
        Sql.update(c, "UPDATE cluster SET hours = ?, expires_at = ? WHERE id = ?", hours,
                expiresAt == null ? null : expiresAt.toEpochMilli(), id.value());
    }

    public void setHeadAddr(Connection c, ClusterId id, String headAddr) throws SQLException {
        Sql.update(c, "UPDATE cluster SET head_addr = ? WHERE id = ?", headAddr, id.value());
    }

    /**
     * ASSIGNED to STARTED; false if the rank was not waiting to start in this placement (a late
     * report of one since lost), or its cluster has ended.
     */
    public boolean rankStarted(Connection c, ClusterId id, int rank, int placement, Instant now,
            List<Endpoint> endpoints) throws SQLException {
        return Sql.update(c, "UPDATE cluster_rank SET state = ?, started_at = ?, endpoints = ? WHERE cluster_id = ? "
                + "AND rank_no = ? AND state = ? AND ended_at IS NULL AND placement = ?", RankState.STARTED.name(),
                now.toEpochMilli(), endpoints.isEmpty() ? null : Devices.json(endpoints), id.value(), rank,
                RankState.ASSIGNED.name(), placement) == 1;
    }

    /** How far the image pull of a rank still waiting to start has got; false if it no longer waits. */
    public boolean rankPulling(Connection c, ClusterId id, int rank, DeviceId device, long bytesDone, long bytesTotal,
            Instant now) throws SQLException {
        return Sql.update(c, "UPDATE cluster_rank SET pull_done = ?, pull_total = ?, pull_at = ? WHERE cluster_id = ? "
                + "AND rank_no = ? AND device_id = ? AND state = ? AND ended_at IS NULL", bytesDone, bytesTotal,
                now.toEpochMilli(), id.value(), rank, device.value(), RankState.ASSIGNED.name()) == 1;
    }

    /** When an agent last reported the pull of one of the cluster's ranks still waiting to start, if ever. */
    public Optional<Instant> lastPullReport(Connection c, ClusterId id) throws SQLException {
        return Sql.list(c, "SELECT MAX(pull_at) AS at FROM cluster_rank WHERE cluster_id = ? AND state = ? "
                + "AND ended_at IS NULL", row -> Sql.nullableLong(row, "at"), id.value(), RankState.ASSIGNED.name())
                .stream().filter(Objects::nonNull).findFirst().map(Instant::ofEpochMilli);
    }

    /** The image pulls of a cluster's ranks still waiting to start, in rank order. */
    public List<Pull> pulls(Connection c, ClusterId id) throws SQLException {
        return Sql.list(c, "SELECT rank_no, pull_done, pull_total FROM cluster_rank WHERE cluster_id = ? AND state = ? "
                + "AND ended_at IS NULL AND pull_done IS NOT NULL ORDER BY rank_no",
                row -> new Pull(row.getInt(1), row.getLong(2), row.getLong(3)), id.value(), RankState.ASSIGNED.name());
    }

    /** One rank's image pull: bytes downloaded of the total its engine knows so far. */
    public record Pull(int rank, long bytesDone, long bytesTotal) {}

    /**
     * One more rank left ASSIGNED (started or exited); returns how many still wait. The update
     * locks the cluster row until commit, so concurrent last starts cannot both see others waiting.
     */
    public long rankLeftWaiting(Connection c, ClusterId id) throws SQLException {
        Sql.update(c, "UPDATE cluster SET ranks_waiting = ranks_waiting - 1 WHERE id = ?", id.value());
        return Sql.number(c, "SELECT ranks_waiting FROM cluster WHERE id = ?", id.value());
    }

    /** A rank not yet started moves to another device (its first device dropped before starting it). */
    public boolean moveWaitingRank(Connection c, ClusterId id, int rank, DeviceId from, DeviceId to, AccountId supplier)
            throws SQLException {
        return Sql.update(c, "UPDATE cluster_rank SET device_id = ?, supplier_id = ?, pull_done = NULL, pull_total = NULL, "
                + "pull_at = NULL WHERE cluster_id = ? AND rank_no = ? AND device_id = ? AND state = ?", to.value(),
                supplier.value(), id.value(), rank, from.value(), RankState.ASSIGNED.name()) == 1;
    }

    /** Devices that ran a started rank at some time in [from, to). */
    public Set<DeviceId> servedBetween(Connection c, Instant from, Instant to) throws SQLException {
        return new HashSet<>(Sql.list(c, "SELECT DISTINCT device_id FROM cluster_rank WHERE started_at IS NOT NULL "
                + "AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)", row -> new DeviceId(row.getString(1)),
                to.toEpochMilli(), from.toEpochMilli()));
    }

    /** One more rank exited with code 0; returns how many have not yet. */
    public long rankExitedCleanly(Connection c, ClusterId id) throws SQLException {
        Sql.update(c, "UPDATE cluster SET ranks_open = ranks_open - 1 WHERE id = ?", id.value());
        return Sql.number(c, "SELECT ranks_open FROM cluster WHERE id = ?", id.value());
    }

    /** The hosts of a cluster's devices in rank order. */
    public List<String> hostsInRankOrder(Connection c, ClusterId id) throws SQLException {
        return Sql.list(c, "SELECT d.host FROM cluster_rank r JOIN device d ON d.id = r.device_id WHERE r.cluster_id = ? "
                + "ORDER BY r.rank_no", row -> row.getString(1), id.value());
    }

    /** A live rank exited, for this reason; false if it had exited already. */
    public boolean rankExited(Connection c, ClusterId id, int rank, int exitCode, EndReason code, Instant now)
            throws SQLException {
        return Sql.update(c, "UPDATE cluster_rank SET state = ?, exit_code = ?, ended_at = ?, reason_code = ?, "
                + "started_at = COALESCE(started_at, ?) WHERE cluster_id = ? AND rank_no = ? AND state IN (?, ?)",
                RankState.EXITED.name(), exitCode, now.toEpochMilli(), code.name(), now.toEpochMilli(), id.value(), rank,
                RankState.ASSIGNED.name(), RankState.STARTED.name()) == 1;
    }

    /**
     * A started rank's program failed and starts again on its device: one more restart, and why;
     * false if the rank is not running there with exactly {@code restartsBefore} restarts (a
     * repeated report of the same failure).
     */
    public boolean rankRestarting(Connection c, ClusterId id, int rank, int restartsBefore, String failure)
            throws SQLException {
        return Sql.update(c, "UPDATE cluster_rank SET restarts = restarts + 1, last_failure = ?, reason_code = ? "
                + "WHERE cluster_id = ? AND rank_no = ? AND restarts = ? AND state = ?", failure,
                EndReason.PROGRAM_EXITED.name(), id.value(), rank, restartsBefore,
                RankState.STARTED.name()) == 1;
    }

    /**
     * The ranks of the cluster on this device are lost when it was last seen, and counted as
     * waiting for another device; returns how many were.
     */
    public int ranksLostWith(Connection c, ClusterId id, DeviceId device, Instant lastSeen) throws SQLException {
        int lost = Sql.update(c, "UPDATE cluster_rank SET state = ?, ended_at = ?, reason_code = ? WHERE cluster_id = ? "
                + "AND device_id = ? AND state IN (?, ?)", RankState.LOST.name(), lastSeen.toEpochMilli(),
                EndReason.DEVICE_LOST.name(), id.value(), device.value(),
                RankState.ASSIGNED.name(), RankState.STARTED.name());
        Sql.update(c, "UPDATE cluster SET ranks_lost = ranks_lost + ? WHERE id = ?", lost, id.value());
        return lost;
    }

    /** The cluster's ranks lost with their devices and not yet taken over by another, in rank order. */
    public List<RankRow> lostRanks(Connection c, ClusterId id) throws SQLException {
        return Sql.list(c, "SELECT * FROM cluster_rank WHERE cluster_id = ? AND state = ? ORDER BY rank_no",
                Clusters::mapRank, id.value(), RankState.LOST.name());
    }

    /**
     * Another device takes over a lost rank: the lost device's stretch is kept (it is paid at the
     * close), and the rank waits to start afresh on the new device, its log going on after the
     * lines already kept. False if the rank is no longer lost on {@code from}.
     */
    public boolean replaceLostRank(Connection c, ClusterId id, int rank, DeviceId from, DeviceId to, AccountId supplier)
            throws SQLException {
        int kept = Sql.update(c, "INSERT INTO rank_stint (cluster_id, rank_no, seq, device_id, supplier_id, started_at, "
                + "ended_at, replaced_by) SELECT r.cluster_id, r.rank_no, (SELECT COUNT(*) FROM rank_stint s WHERE "
                + "s.cluster_id = r.cluster_id AND s.rank_no = r.rank_no), r.device_id, r.supplier_id, r.started_at, "
                + "r.ended_at, ? FROM cluster_rank r WHERE r.cluster_id = ? AND r.rank_no = ? AND r.device_id = ? "
                + "AND r.state = ?", to.value(), id.value(), rank, from.value(), RankState.LOST.name());
        if (kept != 1) {
            return false;
        }
        boolean startedBefore = Sql.number(c, "SELECT COUNT(*) FROM cluster_rank WHERE cluster_id = ? AND rank_no = ? "
                + "AND started_at IS NOT NULL", id.value(), rank) == 1;
        long nextSeq = Sql.number(c, "SELECT COALESCE(MAX(seq) + 1, 0) FROM cluster_log WHERE cluster_id = ? "
                + "AND rank_no = ?", id.value(), rank);
        Sql.update(c, "UPDATE cluster_rank SET device_id = ?, supplier_id = ?, state = ?, exit_code = NULL, "
                + "started_at = NULL, ended_at = NULL, endpoints = NULL, pull_done = NULL, pull_total = NULL, "
                + "pull_at = NULL, restarts = 0, last_failure = NULL, reason_code = NULL, log_seq_from = ?, "
                + "placement = placement + 1 WHERE cluster_id = ? AND rank_no = ?", to.value(), supplier.value(), RankState.ASSIGNED.name(), nextSeq, id.value(), rank);
        // A rank lost before it started still counts as waiting; one lost after it started waits again.
        Sql.update(c, "UPDATE cluster SET ranks_lost = ranks_lost - 1, ranks_waiting = ranks_waiting + ? WHERE id = ?",
                startedBefore ? 1 : 0, id.value());
        return true;
    }

    /** A device a rank was lost on: the stretch it served, and the device that took the rank over. */
    public record Stint(int rank, DeviceId device, AccountId supplier, Instant startedAt, Instant endedAt,
            DeviceId replacedBy) {}

    /** When the rank's latest lost device was last seen; empty if it was never lost. */
    public Optional<Instant> lastLostAt(Connection c, ClusterId id, int rank) throws SQLException {
        return Sql.list(c, "SELECT MAX(ended_at) AS at FROM rank_stint WHERE cluster_id = ? AND rank_no = ?",
                row -> Sql.nullableLong(row, "at"), id.value(), rank).stream().filter(Objects::nonNull).findFirst()
                .map(Instant::ofEpochMilli);
    }

    /** The devices the cluster's ranks were lost on, oldest first. */
    public List<Stint> stints(Connection c, ClusterId id) throws SQLException {
        return Sql.list(c, "SELECT * FROM rank_stint WHERE cluster_id = ? ORDER BY ended_at, rank_no, seq",
                row -> new Stint(row.getInt("rank_no"), new DeviceId(row.getString("device_id")),
                        new AccountId(row.getString("supplier_id")), instant(row, "started_at"),
                        instant(row, "ended_at"), new DeviceId(row.getString("replaced_by"))), id.value());
    }

    /** At the cluster's end, for its reason, every rank still live ends now: a running one is STOPPED, one never started stays ASSIGNED. */
    public void endLiveRanks(Connection c, ClusterId id, EndReason code, Instant now) throws SQLException {
        Sql.update(c, "UPDATE cluster_rank SET ended_at = ?, reason_code = ?, state = CASE WHEN state = ? THEN ? "
                + "ELSE state END WHERE cluster_id = ? AND ended_at IS NULL", now.toEpochMilli(), code.name(),
                RankState.STARTED.name(), RankState.STOPPED.name(), id.value());
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Long millis = Sql.nullableLong(row, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static ClusterRow map(ResultSet row) throws SQLException {
        Currency currency = Currency.valueOf(row.getString("currency"));
        Map<String, String> env;
        ContainerSpec container;
        try {
            env = Json.mapper().readValue(row.getString("env"), ENV);
            String containerJson = row.getString("container");
            container = containerJson == null ? null : Json.mapper().readValue(containerJson, ContainerSpec.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored environment or container is not valid JSON", e);
        }
        return new ClusterRow(new ClusterId(row.getString("id")), new AccountId(row.getString("owner_id")),
                row.getString("idempotency_key"), row.getString("name"), ClusterState.valueOf(row.getString("state")),
                row.getString("reason"), row.getString("type"), row.getString("cmd"), env, container,
                DeviceKind.valueOf(row.getString("kind")), row.getString("gpu_model"), row.getInt("gpus_per_device"),
                row.getInt("device_count"), row.getInt("hours"), row.getString("region"), row.getString("conditions"),
                new Money(row.getLong("price_micros"), currency), row.getString("head_addr"),
                instant(row, "created_at"), instant(row, "running_at"), instant(row, "expires_at"),
                instant(row, "ended_at"), row.getString("framework"), row.getString("on_device_loss"),
                row.getInt("restart_max"), row.getInt("ranks_lost"), reasonCode(row));
    }

    private static RankRow mapRank(ResultSet row) throws SQLException {
        String endpoints = row.getString("endpoints");
        return new RankRow(new ClusterId(row.getString("cluster_id")), row.getInt("rank_no"),
                new DeviceId(row.getString("device_id")), new AccountId(row.getString("supplier_id")),
                RankState.valueOf(row.getString("state")), Sql.nullableInt(row, "exit_code"),
                instant(row, "started_at"), instant(row, "ended_at"),
                endpoints == null ? List.of() : List.of(Devices.fromJson(endpoints, Endpoint[].class)),
                row.getInt("restarts"), row.getString("last_failure"), row.getLong("log_seq_from"), reasonCode(row),
                row.getInt("placement"));
    }

    private static EndReason reasonCode(ResultSet row) throws SQLException {
        String code = row.getString("reason_code");
        return code == null ? null : EndReason.valueOf(code);
    }
}
