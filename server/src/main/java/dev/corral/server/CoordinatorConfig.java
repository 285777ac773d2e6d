package dev.corral.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How a coordinator runs: where it listens, its store (a data directory for the embedded
 * store, or a JDBC URL), the admin key if given, and every timeout of the protocol.
 *
 * @param heartbeatTimeout a device not heard from for this long is offline
 * @param clockSkewMax an agent request whose timestamp is further than this from the coordinator's clock is refused
 * @param pollWait how long a work long-poll waits for a change before answering anyway
 * @param deployTimeout a cluster whose ranks have not all started after this long fails
 * @param sweepInterval how often timeouts are checked
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
        Duration sweepInterval,
        Clock clock) {
    public static final Duration HEARTBEAT_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    public static final Duration CLOCK_SKEW_MAX_DEFAULT = Duration.ofSeconds(60);
    public static final Duration POLL_WAIT_DEFAULT = Duration.ofSeconds(20);
    public static final Duration DEPLOY_TIMEOUT_DEFAULT = Duration.ofMinutes(3);
    public static final Duration SWEEP_INTERVAL_DEFAULT = Duration.ofSeconds(1);

    public CoordinatorConfig {
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(clock, "clock is null");
        if ((dataDirectory == null) == (jdbcUrl == null)) {
            throw new IllegalArgumentException("give either a data directory or a JDBC URL");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
    }

    /** Defaults for an embedded store in this directory. */
    public static CoordinatorConfig embedded(Path dataDirectory, int port) {
        return new CoordinatorConfig("127.0.0.1", port, dataDirectory, null, null, HEARTBEAT_TIMEOUT_DEFAULT,
                CLOCK_SKEW_MAX_DEFAULT, POLL_WAIT_DEFAULT, DEPLOY_TIMEOUT_DEFAULT, SWEEP_INTERVAL_DEFAULT,
                Clock.systemUTC());
    }

    public CoordinatorConfig withBindHost(String host) {
        return new CoordinatorConfig(host, port, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, sweepInterval, clock);
    }

    public CoordinatorConfig withJdbcUrl(String url) {
        return new CoordinatorConfig(bindHost, port, null, url, adminKey, heartbeatTimeout, clockSkewMax, pollWait,
                deployTimeout, sweepInterval, clock);
    }

    public CoordinatorConfig withAdminKey(String key) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, key, heartbeatTimeout, clockSkewMax,
                pollWait, deployTimeout, sweepInterval, clock);
    }

    public CoordinatorConfig withPort(int newPort) {
        return new CoordinatorConfig(bindHost, newPort, dataDirectory, jdbcUrl, adminKey, heartbeatTimeout,
                clockSkewMax, pollWait, deployTimeout, sweepInterval, clock);
    }

    public CoordinatorConfig withTimeouts(Duration heartbeat, Duration poll, Duration deploy, Duration sweep) {
        return new CoordinatorConfig(bindHost, port, dataDirectory, jdbcUrl, adminKey, heartbeat, clockSkewMax, poll,
                deploy, sweep, clock);
    }
}
