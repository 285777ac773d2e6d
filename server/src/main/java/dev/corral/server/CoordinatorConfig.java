package dev.corral.server;

import dev.corral.core.protocol.WorkPoll;

import static java.util.Objects.requireNonNull;

import dev.corral.ledger.EpochRewards;
import dev.corral.ledger.Settlement;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How a coordinator runs: where it listens, its data directory (the coordinator's signing
 * key, and the embedded store unless a JDBC URL names another), the admin key if given,
 * every timeout of the protocol, and the network parameters of the epochs.
 *
 * @param heartbeatTimeout a device not heard from for this long is offline
 * @param clockSkewMax an agent request whose timestamp is further than this from the coordinator's clock is refused
 * @param pollWait the longest a work long-poll waits for a change before answering anyway (an agent may ask for less)
 * @param deployTimeout a cluster whose ranks have not all started after this long fails
 * @param replacementWait how long after a lost device's last heartbeat a cluster deployed to fail on such a loss
 *     ({@code onDeviceLoss: fail}) waits for another device to take its rank before it fails
 * @param sweepInterval how often timeouts are checked and due epochs closed
 * @param epochLength one block of IO is minted per epoch: an hour on the real network, shorter for demos
 * @param computeRewardShareBasisPoints the share of each block paid as compute rewards; the rest rewards availability
 * @param challengeMeanInterval the mean gap between two availability challenges to a device
 * @param challengeWork how long a challenge takes at the speed expected of the device's claimed hardware, which sets
 *     its size (the standard work unless a test or the demo wants it small)
 * @param availabilityProofRequired whether availability rewards need a passed challenge (or a served rank) in the
 *     epoch besides the uptime; on by default; off, challenges keep their mean interval and uptime alone decides
 * @param tls how it serves: HTTPS with a certificate it makes or is given, or plain HTTP when chosen ({@link TlsSettings})
 * @param rateLimits how often a client may call the API ({@link RateLimits.Policy#DEFAULT} unless a test or benchmark
 *     drives it harder from one address)
 */
public record CoordinatorConfig(
        String bindHost,
        int port,
        Path dataDirectory,
        String jdbcUrl,
        String adminKey,
        Duration heartbeatTimeout,
        Duration clockSkewMax,
        Duration pollWait,
        Duration deployTimeout,
        Duration replacementWait,
        Duration sweepInterval,
        Duration epochLength,
        int computeRewardShareBasisPoints,
        Duration challengeMeanInterval,
        Duration challengeWork,
        boolean availabilityProofRequired,
        RateLimits.Policy rateLimits,
        TlsSettings tls,
        Clock clock) {
    public static final Duration HEARTBEAT_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    public static final Duration CLOCK_SKEW_MAX_DEFAULT = Duration.ofSeconds(60);
    /** The longest the coordinator holds a poll: the protocol's {@link WorkPoll#WAIT_DEFAULT}. */
    public static final Duration POLL_WAIT_DEFAULT = WorkPoll.WAIT_DEFAULT;
    public static final Duration DEPLOY_TIMEOUT_DEFAULT = Duration.ofMinutes(3);
    public static final Duration REPLACEMENT_WAIT_DEFAULT = Duration.ofMinutes(2);
    public static final Duration SWEEP_INTERVAL_DEFAULT = Duration.ofSeconds(1);
    public static final Duration EPOCH_LENGTH_DEFAULT = Duration.ofHours(1);
    public static final Duration EPOCH_LENGTH_MIN = Duration.ofSeconds(1);

    public CoordinatorConfig {
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(challengeWork, "challengeWork is null");
        requireNonNull(rateLimits, "rateLimits is null");
        requireNonNull(tls, "tls is null");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (epochLength.compareTo(EPOCH_LENGTH_MIN) < 0) {
            throw new IllegalArgumentException("an epoch lasts at least " + EPOCH_LENGTH_MIN.toSeconds() + " s");
        }
        if (computeRewardShareBasisPoints < 0 || computeRewardShareBasisPoints > Settlement.BASIS_POINTS) {
            throw new IllegalArgumentException("the compute reward share must be 0..100%");
        }
    }

    /** Defaults, with the embedded store in this directory. */
    public static CoordinatorConfig embedded(Path dataDirectory, int port) {
        return new CoordinatorConfig("127.0.0.1", port, dataDirectory, null, null, HEARTBEAT_TIMEOUT_DEFAULT,
                CLOCK_SKEW_MAX_DEFAULT, POLL_WAIT_DEFAULT, DEPLOY_TIMEOUT_DEFAULT, REPLACEMENT_WAIT_DEFAULT, SWEEP_INTERVAL_DEFAULT,
                EPOCH_LENGTH_DEFAULT, EpochRewards.COMPUTE_SHARE_BASIS_POINTS_DEFAULT, ChallengePolicy.MEAN_INTERVAL_DEFAULT,
                ChallengePolicy.WORK_STANDARD, true, RateLimits.Policy.DEFAULT, TlsSettings.SELF_MADE, Clock.systemUTC());
    }

    public CoordinatorConfig withBindHost(String host) {
        return new CoordinatorConfig(host, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withJdbcUrl(String url) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, url, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withAdminKey(String key) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, key, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withPort(int newPort) {
        return new CoordinatorConfig(bindHost, newPort, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout,
                clockSkewMax, pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withTimeouts(Duration heartbeat, Duration poll, Duration deploy, Duration sweep) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeat, clockSkewMax, poll,
                deploy, replacementWait, sweep, epochLength, computeRewardShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withReplacementWait(Duration wait) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, wait, sweepInterval, epochLength, computeRewardShareBasisPoints,
                challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withEpochs(Duration length, int computeShareBasisPoints) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, length, computeShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withChallenges(Duration meanInterval, Duration work, boolean proofRequired) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, meanInterval, work,
                proofRequired, rateLimits, tls, clock);
    }

    public CoordinatorConfig withClock(Clock newClock) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval, challengeWork, availabilityProofRequired, rateLimits, tls, newClock);
    }

    public CoordinatorConfig withRateLimits(RateLimits.Policy policy) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval,
                challengeWork, availabilityProofRequired, policy, tls, clock);
    }

    public CoordinatorConfig withTls(TlsSettings settings) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, replacementWait, sweepInterval, epochLength, computeRewardShareBasisPoints, challengeMeanInterval,
                challengeWork, availabilityProofRequired, rateLimits, settings, clock);
    }
}
