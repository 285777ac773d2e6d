package dev.corral.e2e;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A worker agent in a process of its own, with its watchdog, as {@code corral worker} runs it:
 * for tests that kill an agent's process. Arguments: the coordinator's URL, a join token, the
 * data directory, and how far the test network's clock is ahead of this machine's, in
 * milliseconds. Prints the device id once it serves.
 */
public final class AgentProcess {
    private AgentProcess() {}

    public static void main(String[] args) throws Exception {
        WorkerAgent agent = WorkerAgent.start(AgentConfig.of(URI.create(args[0]), args[1], Path.of(args[2]), true)
                .withHeartbeatInterval(TestNetwork.HEARTBEAT_INTERVAL).withNvidiaSmi("/nonexistent/nvidia-smi")
                .withBandwidthProbeInterval(Duration.ZERO).withWatchdog(true)
                .withClock(Clock.offset(Clock.systemUTC(), Duration.ofMillis(Long.parseLong(args[3])))));
        System.out.println(agent.deviceId().value());
        System.out.flush();
        agent.awaitClose();
    }
}
