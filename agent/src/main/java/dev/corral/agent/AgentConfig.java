package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import dev.corral.core.protocol.WorkPoll;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * How a worker agent runs.
 *
 * @param joinToken the owner's one-time token; needed only until the device is registered
 * @param advertiseHost the address other ranks of a cluster reach this machine at
 * @param allowProcessRuntime run cluster commands as plain child processes: only for trusted set-ups
 * @param heartbeatInterval how often the device reports; the coordinator's heartbeat timeout must be several times this
 * @param pollWait how long the coordinator may hold a work poll (it holds it for less where it allows less)
 * @param bandwidthProbeInterval how often the coordinator measures the link to this device (its
 *     connectivity tier), the first time at start; zero for never
 * @param containerEngine the container engine's socket ({@code unix:///path}); null to look for
 *     one, {@value #NO_CONTAINER_ENGINE} to run no containers
 * @param watchdog start an {@link AgentWatchdog} that stops this agent's ranks if its process
 *     dies without stopping them
 */
public record AgentConfig(
        URI server,
        String joinToken,
        Path dataDirectory,
        String region,
        String advertiseHost,
        boolean allowProcessRuntime,
        Duration heartbeatInterval,
        Duration pollWait,
        Duration bandwidthProbeInterval,
        String nvidiaSmi,
        String containerEngine,
        boolean watchdog,
        Clock clock) {
    /**
     * This machine, as its own ranks reach it: enough where every agent runs on one machine
     * (their containers reach it at the engine's gateway); a supplier with several machines
     * gives each its network address.
     */
    public static final String ADVERTISE_HOST_DEFAULT = "127.0.0.1";
    public static final Duration HEARTBEAT_INTERVAL_DEFAULT = Duration.ofSeconds(5);
    /** As long as a coordinator holds a poll by default. */
    public static final Duration POLL_WAIT_DEFAULT = WorkPoll.WAIT_DEFAULT;
    public static final Duration BANDWIDTH_PROBE_INTERVAL_DEFAULT = Duration.ofDays(1);
    /** Configured as the container engine: run no containers on this machine. */
    public static final String NO_CONTAINER_ENGINE = "none";

    public AgentConfig {
        requireNonNull(server, "server is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(advertiseHost, "advertiseHost is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(pollWait, "pollWait is null");
        requireNonNull(bandwidthProbeInterval, "bandwidthProbeInterval is null");
        if (bandwidthProbeInterval.isNegative()) {
            throw new IllegalArgumentException("bandwidthProbeInterval cannot be negative");
        }
        requireNonNull(nvidiaSmi, "nvidiaSmi is null");
        requireNonNull(clock, "clock is null");
    }

    public static AgentConfig of(URI server, String joinToken, Path dataDirectory, boolean allowProcessRuntime) {
        return new AgentConfig(server, joinToken, dataDirectory, null, ADVERTISE_HOST_DEFAULT, allowProcessRuntime,
                HEARTBEAT_INTERVAL_DEFAULT, POLL_WAIT_DEFAULT, BANDWIDTH_PROBE_INTERVAL_DEFAULT, "nvidia-smi",
                null, false, Clock.systemUTC());
    }

    public AgentConfig withRegion(String newRegion) {
        return new AgentConfig(server, joinToken, dataDirectory, newRegion, advertiseHost, allowProcessRuntime,
                heartbeatInterval, pollWait, bandwidthProbeInterval, nvidiaSmi, containerEngine, watchdog, clock);
    }

    public AgentConfig withAdvertiseHost(String host) {
        return new AgentConfig(server, joinToken, dataDirectory, region, host, allowProcessRuntime, heartbeatInterval,
                pollWait, bandwidthProbeInterval, nvidiaSmi, containerEngine, watchdog, clock);
    }

    public AgentConfig withHeartbeatInterval(Duration interval) {
        return new AgentConfig(server, joinToken, dataDirectory, region, advertiseHost, allowProcessRuntime, interval,
                pollWait, bandwidthProbeInterval, nvidiaSmi, containerEngine, watchdog, clock);
    }

    public AgentConfig withNvidiaSmi(String command) {
        return new AgentConfig(server, joinToken, dataDirectory, region, advertiseHost, allowProcessRuntime,
                heartbeatInterval, pollWait, bandwidthProbeInterval, command, containerEngine, watchdog, clock);
    }

    public AgentConfig withClock(Clock newClock) {
        return new AgentConfig(server, joinToken, dataDirectory, region, advertiseHost, allowProcessRuntime,
                heartbeatInterval, pollWait, bandwidthProbeInterval, nvidiaSmi, containerEngine, watchdog, newClock);
    }

    public AgentConfig withBandwidthProbeInterval(Duration interval) {
        return new AgentConfig(server, joinToken, dataDirectory, region, advertiseHost, allowProcessRuntime,
                heartbeatInterval, pollWait, interval, nvidiaSmi, containerEngine, watchdog, clock);
    }

    /**
     * The container engine's socket ({@code unix:///path}); null to look for one (DOCKER_HOST,
     * then the usual sockets); {@code none} to run no containers.
     */
    public AgentConfig withContainerEngine(String engine) {
        return new AgentConfig(server, joinToken, dataDirectory, region, advertiseHost, allowProcessRuntime,
                heartbeatInterval, pollWait, bandwidthProbeInterval, nvidiaSmi, engine, watchdog, clock);
    }

    /** With a watchdog that stops this agent's ranks if its process dies without stopping them ({@code kill -9}). */
    public AgentConfig withWatchdog(boolean on) {
        return new AgentConfig(server, joinToken, dataDirectory, region, advertiseHost, allowProcessRuntime,
                heartbeatInterval, pollWait, bandwidthProbeInterval, nvidiaSmi, containerEngine, on, clock);
    }
}
