package dev.corral.core.protocol;

import java.time.Duration;

/**
 * How far a rank's image pull has got: bytes of its layers downloaded and the total the engine
 * knows so far (layers whose size it has not learnt yet are not in it).
 */
public record RankPulling(int rank, long bytesDone, long bytesTotal) {
    /**
     * The longest an agent spends pulling a rank's image before the rank fails; the coordinator
     * lets a cluster whose ranks still report their pulls wait this long past its deploy timeout.
     */
    public static final Duration TIME_MAX = Duration.ofMinutes(30);
    /** While a pull lasts its agent reports it at least this often, changed or not (extraction moves no bytes). */
    public static final Duration REPORT_EVERY_MAX = Duration.ofSeconds(10);
}
