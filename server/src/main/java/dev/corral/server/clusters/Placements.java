package dev.corral.server.clusters;

import dev.corral.core.AccountId;
import dev.corral.core.Money;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.Layout;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PlacementRequest;
import dev.corral.scheduler.PoolDevice;
import dev.corral.server.devices.DeviceState;
import dev.corral.store.Database;
import dev.corral.store.Stakes;

/** How a cluster's request becomes a placement: the customer's conditions, the reputation floor, its stake. */
final class Placements {
    private Placements() {}

    /** A placement on devices that run ranks in the given runtime bits ({@link PoolDevice#runtimeBit}). */
    static PlacementRequest of(ClusterRequest request, OfferQuery where, Money pricePerDeviceHour, Layout layout,
            long customerStakeIo, int runtimes) {
        return new PlacementRequest(request, DeviceState.placeable(where), pricePerDeviceHour.minor(), layout,
                customerStakeIo, runtimes);
    }

    /** The whole IO staked on the customer, which gives it access to scarce devices. */
    static long customerStakeIo(Database db, Stakes stakes, AccountId customer) {
        return EmissionSchedule.wholeIo(db.transaction(c -> stakes.activeTotalOn(c, customer)));
    }
}
