package dev.corral.ledger;

import java.time.Duration;
import java.time.Instant;

/**
 * The seconds a device served a cluster: from the moment every rank was running until the
 * device's service ended (the cluster's end, or the device's last sign of life if it was
 * lost), never more than the paid time. A cluster that never ran costs nothing.
 */
public final class ServedTime {
    private ServedTime() {}

    public static long seconds(Instant runningAt, Instant serviceEnd, long paidSeconds) {
        if (runningAt == null || serviceEnd == null || !serviceEnd.isAfter(runningAt)) {
            return 0;
        }
        return Math.min(Duration.between(runningAt, serviceEnd).toSeconds(), paidSeconds);
    }
}
