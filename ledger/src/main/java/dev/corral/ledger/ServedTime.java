package dev.corral.ledger;

import java.time.Duration;
import java.time.Instant;

/**
 * The seconds a device served a cluster: from the moment every rank was running (or its own
 * start, for a device that took over a lost rank later) until the device's service ended (the
 * cluster's end, or the device's last sign of life if it was lost), never past the paid time. A
 * cluster that never ran costs nothing.
 */
public final class ServedTime {
    private ServedTime() {}

    public static long seconds(Instant runningAt, Instant serviceEnd, long paidSeconds) {
        return seconds(runningAt, runningAt, serviceEnd, paidSeconds);
    }

    /**
     * The seconds of [serviceStart, serviceEnd] within the paid window, which opens when the
     * cluster ran; a device that never started (serviceStart null) served none.
     */
    public static long seconds(Instant runningAt, Instant serviceStart, Instant serviceEnd, long paidSeconds) {
        if (runningAt == null || serviceStart == null || serviceEnd == null) {
            return 0;
        }
        Instant from = serviceStart.isAfter(runningAt) ? serviceStart : runningAt;
        Instant paidUntil = runningAt.plusSeconds(paidSeconds);
        Instant to = serviceEnd.isBefore(paidUntil) ? serviceEnd : paidUntil;
        return to.isAfter(from) ? Duration.between(from, to).toSeconds() : 0;
    }
}
