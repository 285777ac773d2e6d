package dev.corral.scheduler;

import static java.util.Objects.requireNonNull;

/**
 * One placement as the index takes it: the cluster, the customer's extra conditions, the
 * price per device-hour it pays (a device whose floor is above it is never chosen), the
 * layout, and the IO staked on the customer (priority when devices are scarce).
 */
public record PlacementRequest(ClusterRequest cluster, OfferQuery where, long pricePerDeviceHourMicros, Layout layout,
        long customerStakeIo) {
    public PlacementRequest {
        requireNonNull(cluster, "cluster is null");
        requireNonNull(where, "where is null");
        requireNonNull(layout, "layout is null");
        if (pricePerDeviceHourMicros <= 0) {
            throw new IllegalArgumentException("price per device-hour must be positive");
        }
    }

    /** The cluster's region, when it names one, as one more condition. */
    OfferQuery conditions() {
        return cluster.region() == null ? where : where.and(OfferQuery.Field.REGION, "=", cluster.region());
    }
}
