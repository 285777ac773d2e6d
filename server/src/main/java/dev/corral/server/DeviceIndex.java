package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.proofs.Reputation;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.HardwareCatalog;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PoolDevice;
import dev.corral.scheduler.SupplierType;
import dev.corral.store.DeviceRow;
import java.time.Clock;
import java.time.Instant;
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
    private final Store store;
    private final Clock clock;
    private final DevicePool pool = new DevicePool();
    private final Liveness liveness = new Liveness();

    private DeviceIndex(Store store, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    static DeviceIndex rebuild(Store store, Clock clock) {
        DeviceIndex index = new DeviceIndex(store, clock);
        Map<AccountId, Long> stakes = store.db().transaction(c -> store.stakes().activeByTarget(c));
        stakes.forEach((owner, stake) -> index.pool.setOwnerStake(owner, stake / EmissionSchedule.BASE_UNITS_PER_IO));
        for (DeviceRow row : store.db().transaction(c -> store.devices().all(c))) {
            index.update(row);
            if (row.cluster() != null) {
                index.pool.markHired(row.id());
            }
        }
        return index;
    }

    /** The customer's conditions plus the reputation a device needs to be placed (or offered) at all. */
    static OfferQuery placeable(OfferQuery where) {
        return where.and(OfferQuery.Field.RELIABILITY, ">=", String.valueOf(Reputation.PLACEMENT_MIN));
    }

    DevicePool pool() {
        return pool;
    }

    /** Re-reads devices from the store after a change to what they are or how they stand (not whom they serve). */
    void refresh(Collection<DeviceId> devices) {
        for (DeviceId device : devices) {
            read(device).ifPresent(this::update);
        }
    }

    void refresh(DeviceId device) {
        refresh(List.of(device));
    }

    /**
     * Re-reads devices the store refused to hire because the index was behind it: one the store
     * holds hired is marked hired. It is read again after the mark: a cluster that ended between
     * the first read and the mark has then committed its end, and its devices are freed here, as
     * its own release may have come before the mark.
     */
    void resync(Collection<DeviceId> devices) {
        for (DeviceId device : devices) {
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
        return store.db().transaction(c -> store.devices().byId(c, device));
    }

    void offline(Collection<DeviceRow> devices) {
        devices.forEach(device -> pool.setTakesWork(device.id(), false));
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
        long stake = store.db().transaction(c -> store.stakes().activeTotalOn(c, target));
        pool.setOwnerStake(target, stake / EmissionSchedule.BASE_UNITS_PER_IO);
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
        HardwareSpec hardware = row.hardware();
        boolean gpu = hardware.kind() == DeviceKind.GPU;
        int vramGb = !gpu ? 0 : HardwareCatalog.gpu(hardware.model()).map(HardwareCatalog.Gpu::memoryGb)
                .orElse((int) Math.round(hardware.vramMbPerGpu() / 1024.0));
        DeviceRow.Listing listing = row.listing();
        return new PoolDevice(row.id(), row.owner(), hardware.kind(), hardware.model(), hardware.gpuCount(), vramGb,
                hardware.cpuCores(), row.region(), listing.country(), SupplierType.parse(listing.supplierType()),
                listing.securityTier(), listing.connectivityTier(), Reputation.score(row.standing(), clock.instant()),
                row.minPricePerHourMicros(), gpu ? PoolDevice.driverNumber(hardware.driverVersion()) : 0,
                row.online() && row.runtimes().contains(ClusterService.RUNTIME_PROCESS) && row.verification().verified()
                        && !row.verification().blocked() && row.verification().claimFlags().isEmpty());
    }
}
