package dev.corral.core.api;

import java.time.Instant;
import java.util.List;

/**
 * A cluster as its owner sees it, with each rank's device and progress, and the money so far;
 * {@code reasonCode} types why it ended ({@code EndReason}), as each rank's types why it ended or
 * last failed.
 * {@code ranksStarted} counts the ranks that have started (running or since ended); {@code ranks}
 * is empty when the view was asked for without them (a cluster of 10,000 ranks is over a
 * megabyte with them). {@code container} is shown with its secrets' values hidden. While ranks
 * wait for their image, {@code pulling} sums their pulls (null when none is pulling), and each
 * such rank is in state PULLING with its own {@code pull}. {@code framework},
 * {@code onDeviceLoss} and {@code restart} are as deployed; {@code replacements} lists every
 * device the cluster lost and what took its rank, oldest first.
 */
public record ClusterView(
        String clusterId,
        String name,
        String state,
        String reason,
        String reasonCode,
        String type,
        String cmd,
        ContainerSpec container,
        String kind,
        String gpuModel,
        int gpusPerDevice,
        int count,
        int hours,
        String region,
        Amount pricePerDeviceHour,
        Amount escrowHeld,
        Amount charged,
        Amount refunded,
        Instant createdAt,
        Instant runningAt,
        Instant expiresAt,
        Instant endedAt,
        int ranksStarted,
        ImagePull pulling,
        List<RankView> ranks,
        String framework,
        String onDeviceLoss,
        String restart,
        List<Replacement> replacements) {

    /** The state a rank shows while its agent pulls its image: it is still ASSIGNED to its device. */
    public static final String PULLING = "PULLING";

    /**
     * One rank: its device, state, exit code, the seconds it served, where its declared ports
     * are published, its image pull while in state PULLING (else null), how often its program
     * was started again after failing, and why it last failed (null if it never did).
     */
    public record RankView(int rank, String deviceId, String state, Integer exitCode, Instant startedAt,
            Instant endedAt, List<Endpoint> endpoints, ImagePull pull, int restarts, String lastFailure,
            String reasonCode) {}

    /**
     * A device the cluster lost: the rank it ran, the device, when the rank started there and when
     * the device was last seen (what its supplier is paid until), and the device that took the rank
     * over (null while none has).
     */
    public record Replacement(int rank, String lostDeviceId, Instant startedAt, Instant lastSeenAt,
            String replacedBy) {}
}
