package dev.corral.server.devices;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Runtimes;
import dev.corral.core.Telemetry;
import dev.corral.proofs.Reputation;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PlacementRequest;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.Devices;
import dev.corral.store.Stakes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * The one owner of device state. It alone writes device rows, through the {@link Writes} of a
 * {@link #transaction}, and it keeps the in-memory index (the placement pool and the devices'
 * liveness) and the agents' work board in step with them once that transaction has committed:
 * a rolled-back change never reaches the index. Placement claims devices in the index first,
 * and a claim the store then refuses is undone with {@link #unclaim}.
 */
public final class DeviceState {
    private final Database db;
    private final Devices devices;
    private final Stakes stakes;
    private final DeviceIndex index;
    private final WorkBoard board;

    private DeviceState(Database db, Devices devices, Stakes stakes, DeviceIndex index, WorkBoard board) {
        this.db = requireNonNull(db, "db is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.index = requireNonNull(index, "index is null");
        this.board = requireNonNull(board, "board is null");
    }

    /** The devices as the store holds them, with the index rebuilt from it. */
    public static DeviceState load(Database db, Devices devices, Stakes stakes, WorkBoard board, Clock clock) {
        return new DeviceState(db, devices, stakes, DeviceIndex.rebuild(db, devices, stakes, clock), board);
    }

    /** Work in one transaction that may change devices, only through its {@link Writes}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c, Writes devices) throws SQLException;
    }

    /** Runs the work in one transaction, then tells the index and the work board what it changed. */
    public <T> T transaction(Work<T> work) {
        List<Writes> attempt = new ArrayList<>(1);
        T result = db.transaction(c -> {
            Writes writes = new Writes(c);
            attempt.clear();
            attempt.add(writes);
            return work.run(c, writes);
        });
        attempt.getFirst().publish();
        return result;
    }

    /**
     * The device changes of one transaction, each written now and told to the index after the
     * commit: what hires, frees, re-reads or wakes which device.
     */
    public final class Writes {
        private final Connection c;
        private final Set<DeviceId> reread = new LinkedHashSet<>();
        private final Set<DeviceId> released = new LinkedHashSet<>();
        private final Set<DeviceId> woken = new LinkedHashSet<>();
        private final List<DeviceRow> heard = new ArrayList<>();
        private final List<DeviceRow> offline = new ArrayList<>();
        private final List<DeviceId> silenceForgotten = new ArrayList<>();
        private Instant silenceCutoff;
        private Map<DeviceId, Reputation.Standing> standings = Map.of();
        private Instant standingsAt;
        private final List<Runnable> afterCommit = new ArrayList<>();

        private Writes(Connection c) {
            this.c = c;
        }

        public void insert(DeviceRow row) throws SQLException {
            devices.insert(c, row);
            reread.add(row.id());
        }

        /** A heartbeat: the device's row as it was before, the index told of it as it is after. */
        public DeviceRow heartbeat(DeviceId device, HardwareSpec hardware, String host, List<String> runtimes,
                Telemetry telemetry, List<String> claimFlags, Instant now) throws SQLException {
            DeviceRow before = devices.byId(c, device).orElseThrow();
            boolean reclaimed = reclaimed(before, hardware, runtimes);
            devices.heartbeat(c, device, hardware, host, runtimes, telemetry, claimFlags, reclaimed, now);
            if (reclaimed) {
                // Unverified again: read back whole, so placement stops offering it at once. A challenge open
                // for the old claim must not verify the new one.
                devices.voidOpenChallenges(c, device, now);
                reread.add(device);
            } else {
                heard.add(before.heard(hardware, host, runtimes, telemetry, claimFlags, now));
            }
            return before;
        }

        /**
         * Whether the device now claims something its passed challenges did not prove: other
         * hardware, or another engine to compute on (a GPU claim proven on the CPU engine is not
         * proven for the GPU engine, nor the other way round).
         */
        private static boolean reclaimed(DeviceRow before, HardwareSpec hardware, List<String> runtimes) {
            return !hardware.sameClaim(before.hardware())
                    || runtimes.contains(Runtimes.CUDA) != before.runtimes().contains(Runtimes.CUDA);
        }

        /** A registration again of a known device: its row is re-read after the commit. */
        public void reregister(DeviceId device, HardwareSpec hardware, String host, List<String> runtimes, Instant now)
                throws SQLException {
            DeviceRow before = devices.byId(c, device).orElseThrow();
            boolean reclaimed = reclaimed(before, hardware, runtimes);
            devices.heartbeat(c, device, hardware, host, runtimes, null, List.of(), reclaimed, now);
            if (reclaimed) {
                devices.voidOpenChallenges(c, device, now);
            }
            reread.add(device);
        }

        public void updateOwnerFields(DeviceId id, String name, long minPriceMicros, int rewardSplitIoPercent,
                String country, String supplierType) throws SQLException {
            devices.updateOwnerFields(c, id, name, minPriceMicros, rewardSplitIoPercent, country, supplierType);
            reread.add(id);
        }

        public boolean setTiers(DeviceId id, int securityTier, int connectivityTier) throws SQLException {
            reread.add(id);
            return devices.setTiers(c, id, securityTier, connectivityTier);
        }

        public boolean setBandwidth(DeviceId id, DeviceRow.Bandwidth bandwidth, int connectivityTier) throws SQLException {
            reread.add(id);
            return devices.setBandwidth(c, id, bandwidth, connectivityTier);
        }

        public void passed(DeviceId id) throws SQLException {
            devices.passed(c, id);
            reread.add(id);
        }

        public void block(DeviceId id, String reason, Instant now) throws SQLException {
            devices.block(c, id, reason, now);
            reread.add(id);
        }

        public void requestReverify(DeviceId id, Instant now) throws SQLException {
            devices.requestReverify(c, id, now);
            reread.add(id);
        }

        public Reputation.Standing recordStanding(DeviceId id, UnaryOperator<Reputation.Standing> change)
                throws SQLException {
            reread.add(id);
            return devices.recordStanding(c, id, change);
        }

        /** Hires the device (claimed in the index already) for the cluster if the store still holds it idle. */
        public boolean reserve(DeviceId id, ClusterId cluster) throws SQLException {
            return devices.reserve(c, id, cluster);
        }

        /** Frees one device of a cluster it no longer serves. */
        public void releaseOne(DeviceId id) throws SQLException {
            devices.releaseOne(c, id);
            released.add(id);
            reread.add(id);
        }

        /** Frees a device that abandoned its cluster's job (lost, or dropped before its rank started); its reputation records it. */
        public void abandoned(DeviceId id, Instant at) throws SQLException {
            releaseOne(id);
            recordStanding(id, standing -> Reputation.record(standing, Reputation.Event.JOB_ABANDONED, at));
        }

        /** Frees the devices of an ended cluster, with their standings as the end left them; each is woken. */
        public void releaseCluster(ClusterId cluster, Collection<DeviceId> ofCluster,
                Map<DeviceId, Reputation.Standing> changed, Instant at) throws SQLException {
            devices.release(c, cluster);
            devices.setStandings(c, changed);
            released.addAll(ofCluster);
            woken.addAll(ofCluster);
            standings = Map.copyOf(changed);
            standingsAt = at;
        }

        /** Marks offline the silent devices (or, without candidates, every device silent since the cutoff). */
        public List<DeviceRow> markOffline(List<DeviceId> candidates, boolean everyRow, Instant cutoff)
                throws SQLException {
            List<DeviceRow> marked = everyRow ? devices.markOfflineSince(c, cutoff)
                    : devices.markOffline(c, candidates, cutoff);
            offline.addAll(marked);
            silenceForgotten.addAll(everyRow ? marked.stream().map(DeviceRow::id).toList() : candidates);
            silenceCutoff = cutoff;
            return marked;
        }

        /** Runs once the transaction has committed (a meter of what it did); dropped if it rolls back. */
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        /** Wakes the device's work poll after the commit: its work changed. */
        public void wake(DeviceId id) {
            woken.add(id);
        }

        private void publish() {
            index.pool().release(List.copyOf(released));
            heard.forEach(index::update);
            index.refresh(reread);
            standings.forEach((device, standing) ->
                    index.pool().setReliability(device, Reputation.score(standing, standingsAt)));
            if (!offline.isEmpty() || !silenceForgotten.isEmpty()) {
                index.offline(offline);
                index.forgetSilent(silenceForgotten, silenceCutoff);
            }
            woken.forEach(board::signal);
            afterCommit.forEach(Runnable::run);
        }
    }

    // ---- the index, read ---------------------------------------------------------------------

    /** Claims devices for a placement in memory; the caller reserves them in the store or {@link #unclaim}s them. */
    public DevicePool.Outcome place(PlacementRequest request, RandomGenerator random) {
        return index.pool().place(request, random);
    }

    /**
     * Undoes claims the store refused or a rolled-back transaction never wrote; with
     * {@code reread}, the store is asked again.
     */
    public void unclaim(List<DeviceId> claimed, boolean reread) {
        index.pool().release(claimed);
        if (reread) {
            index.resync(claimed);
        }
    }

    public int matching(PlacementRequest request) {
        return index.pool().matching(request);
    }

    public double utilisation(DeviceKind kind, GpuModel model) {
        return index.pool().utilisation(kind, model);
    }

    public List<DevicePool.OfferGroup> search(OfferQuery query) {
        return index.pool().search(placeable(query));
    }

    /** The devices online in the store, as far as the index has heard, not heard from since the cutoff. */
    public List<DeviceId> silentSince(Instant cutoff) {
        return index.silentSince(cutoff);
    }

    /** Stakes on an account changed (committed): placement weighs the IO staked on its devices' owner. */
    public void stakeChanged(AccountId target) {
        index.stakeChanged(target);
    }

    /** The customer's conditions plus the reputation a device needs to be placed (or offered) at all. */
    public static OfferQuery placeable(OfferQuery where) {
        return where.and(OfferQuery.Field.RELIABILITY, ">=", String.valueOf(Reputation.PLACEMENT_MIN));
    }
}
