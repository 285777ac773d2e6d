package dev.corral.server.devices;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Runtimes;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.Reputation;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.PoolDevice;
import dev.corral.scheduler.SupplierType;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.Devices;
import dev.corral.store.Stakes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the scheduler's in-memory {@link DevicePool} and the devices' {@link Liveness} in step
 * with the store: rebuilt from it at start, then told of every change the coordinator commits
 * (registrations, heartbeats, owner and operator fields, offline marks, stakes, reputation,
 * leases). The store stays the authority; a placement the store refuses is undone here and the
 * devices re-read.
 */
final class DeviceIndex {
    private final Database db;
    private final Devices devices;
    private final Stakes stakes;
    private final Clock clock;
    private final DevicePool pool = new DevicePool();
    private final Liveness liveness = new Liveness();

    private DeviceIndex(Database db, Devices devices, Stakes stakes, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    static DeviceIndex rebuild(Database db, Devices devices, Stakes stakes, Clock clock) {
        DeviceIndex index = new DeviceIndex(db, devices, stakes, clock);
        Map<AccountId, Long> staked = db.transaction(c -> stakes.activeByTarget(c));
        staked.forEach((owner, stake) -> index.pool.setOwnerStake(owner, EmissionSchedule.wholeIo(stake)));
        for (DeviceRow row : db.transaction(c -> devices.all(c))) {
            index.update(row);
            if (row.cluster() != null) {
                index.pool.markHired(row.id());
            }
        }
        return index;
    }

    DevicePool pool() {
        return pool;
    }

    /** Re-reads devices from the store after a change to what they are or how they stand (not whom they serve). */
    void refresh(Collection<DeviceId> changed) {
        if (changed.isEmpty()) {
            return;
        }
        List<DeviceRow> rows = db.transaction(c -> {
            List<DeviceRow> read = new ArrayList<>(changed.size());
            for (DeviceId device : changed) {
                devices.byId(c, device).ifPresent(read::add);
            }
            return read;
        });
        rows.forEach(this::update);
    }

    /**
     * Re-reads devices the store refused to hire because the index was behind it: one the store
     * holds hired is marked hired. It is read again after the mark: a cluster that ended between
     * the first read and the mark has then committed its end, and its devices are freed here, as
     * its own release may have come before the mark.
     */
    void resync(Collection<DeviceId> claimed) {
        for (DeviceId device : claimed) {
            Optional<DeviceRow> row = read(device);
            row.ifPresent(this::update);
            if (row.isPresent() && row.get().cluster() != null) {
                pool.markHired(device);
                if (read(device).map(again -> again.cluster() == null).orElse(true)) {
                    pool.release(List.of(device));
                }
            }
        }
    }

    private Optional<DeviceRow> read(DeviceId device) {
        return db.transaction(c -> devices.byId(c, device));
    }

    void offline(Collection<DeviceRow> marked) {
        marked.forEach(device -> pool.setTakesWork(device.id(), false));
    }

    /** The devices online in the store, as far as the index has heard, that have not been heard since the cutoff. */
    List<DeviceId> silentSince(Instant cutoff) {
        return liveness.silentSince(cutoff);
    }

    /** Stops watching these silent devices (marked offline, or found offline in the store) until they are heard again. */
    void forgetSilent(Collection<DeviceId> devices, Instant cutoff) {
        liveness.forgetSilent(devices, cutoff);
    }

    /** The IO now staked on an account, re-read from the store. */
    void stakeChanged(AccountId target) {
        long stake = db.transaction(c -> stakes.activeTotalOn(c, target));
        pool.setOwnerStake(target, EmissionSchedule.wholeIo(stake));
    }

    /**
     * A device as the store holds it after a change just committed, leaving whether it is hired
     * as the index has it: placements hire, the end of a cluster or an undone placement frees,
     * and a row read before a cluster's end must not hire its device again after that end freed it.
     */
    void update(DeviceRow row) {
        pool.put(device(row, clock));
        if (row.online()) {
            liveness.heard(row.id(), row.lastSeenAt());
        }
    }

    /** A stored device as the index holds it. */
    static PoolDevice device(DeviceRow row, Clock clock) {
        // Offered as what its challenges prove: a GPU claim computed on the CPU is a CPU device.
        HardwareSpec hardware = ChallengePolicy.proven(row.hardware(), row.runtimes().contains(Runtimes.CUDA));
        boolean gpu = hardware.kind() == DeviceKind.GPU;
        int vramGb = !gpu ? 0 : HardwareCatalog.gpu(hardware.model()).map(HardwareCatalog.Gpu::memoryGb)
                .orElse((int) Math.round(hardware.vramMbPerGpu() / 1024.0));
        DeviceRow.Listing listing = row.listing();
        return new PoolDevice(row.id(), row.owner(), hardware.kind(), hardware.model(), hardware.gpuCount(), vramGb,
                hardware.cpuCores(), row.region(), listing.country(), SupplierType.parse(listing.supplierType()),
                listing.securityTier(), listing.connectivityTier(), Reputation.score(row.standing(), clock.instant()),
                row.minPricePerHourMicros(), gpu ? PoolDevice.driverNumber(hardware.driverVersion()) : 0,
                row.online() && PoolDevice.runtimeBits(row.runtimes()) != 0 && row.verification().verified()
                        && !row.verification().blocked() && row.verification().claimFlags().isEmpty(),
                PoolDevice.runtimeBits(row.runtimes()), hardware.diskGb());
    }
}
