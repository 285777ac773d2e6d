package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

/**
 * One placement as the index takes it: the cluster, the customer's extra conditions, the
 * price per device-hour it pays (a device whose floor is above it is never chosen), the
 * layout, the IO staked on the customer (priority when devices are scarce), and the runtime
 * its ranks run in, as {@link PoolDevice} runtime bits (only devices that run one of them are
 * chosen: a cluster names one, a quote may count devices of any).
 */
public record PlacementRequest(ClusterRequest cluster, OfferQuery where, long pricePerDeviceHourMicros, Layout layout,
        long customerStakeIo, int runtime) {
    public PlacementRequest {
        requireNonNull(cluster, "cluster is null");
        requireNonNull(where, "where is null");
        requireNonNull(layout, "layout is null");
        if (pricePerDeviceHourMicros <= 0) {
            throw new IllegalArgumentException("price per device-hour must be positive");
        }
        if (runtime == 0 || (runtime & ~PoolDevice.RUNTIMES_ALL) != 0) {
            throw new IllegalArgumentException("a placement asks for runtimes by their bits, not " + runtime);
        }
    }

    /** A placement of process ranks. */
    public PlacementRequest(ClusterRequest cluster, OfferQuery where, long pricePerDeviceHourMicros, Layout layout,
            long customerStakeIo) {
        this(cluster, where, pricePerDeviceHourMicros, layout, customerStakeIo, PoolDevice.RUNTIME_PROCESS);
    }

    /** The cluster's region, when it names one, as one more condition. */
    OfferQuery conditions() {
        return cluster.region() == null ? where : where.and(OfferQuery.Field.REGION, "=", cluster.region());
    }
}
