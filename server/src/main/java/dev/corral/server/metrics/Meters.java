package dev.corral.server.metrics;

import dev.corral.core.ClusterState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The coordinator's own meters, each with its name and help text in one place: deploys and
 * their time to RUNNING, placements, cluster ends, epochs closed, challenges, heartbeats and
 * refused agent requests. Micrometer registers a meter once and returns it after.
 */
public final class Meters {
    /** Bounds of the latency histograms: a deploy waits on agents for seconds, an epoch close may take half a minute. */
    static final Duration LATENCY_MIN = Duration.ofMillis(1);
    static final Duration LATENCY_MAX = Duration.ofMinutes(5);

    private Meters() {}

    public static Counter clustersDeployed(MeterRegistry registry) {
        return Counter.builder("corral_clusters_deployed")
                .description("Clusters deployed: escrow held and every rank's device reserved")
                .register(registry);
    }

    public static Counter clustersEnded(MeterRegistry registry, ClusterState state) {
        return Counter.builder("corral_clusters_ended").tag("state", state.name())
                .description("Clusters ended, by the state they ended in")
                .register(registry);
    }

    /** Placement rounds by outcome: placed, too_few, scarce, contended. */
    public static Counter placements(MeterRegistry registry, String outcome) {
        return Counter.builder("corral_placements").tag("outcome", outcome)
                .description("Placement rounds of deploys, by outcome")
                .register(registry);
    }

    public static Timer timeToRunning(MeterRegistry registry) {
        return Timer.builder("corral_cluster_time_to_running")
                .description("Time from a cluster's deploy to every rank started (RUNNING)")
                .publishPercentileHistogram().minimumExpectedValue(LATENCY_MIN).maximumExpectedValue(LATENCY_MAX)
                .register(registry);
    }

    public static Counter ranksReplaced(MeterRegistry registry) {
        return Counter.builder("corral_ranks_replaced")
                .description("Ranks moved to another device because theirs went offline")
                .register(registry);
    }

    public static Counter rankRestarts(MeterRegistry registry) {
        return Counter.builder("corral_rank_restarts")
                .description("Failed rank programs started again on their device under their cluster's restart policy")
                .register(registry);
    }

    public static Timer timeToReplacement(MeterRegistry registry) {
        return Timer.builder("corral_rank_replacement_seconds")
                .description("From a device's last heartbeat to the start of its rank on the device that replaced it")
                .register(registry);
    }

    public static Counter rankExitReports(MeterRegistry registry) {
        return Counter.builder("corral_rank_exit_reports")
                .description("Rank exits reported by agents, recorded or not (none come for ranks stopped with their cluster)")
                .register(registry);
    }

    public static Timer epochsClosed(MeterRegistry registry) {
        return Timer.builder("corral_epoch_close")
                .description("Epochs closed (minted, recorded and signed), and how long each close took")
                .publishPercentileHistogram().minimumExpectedValue(LATENCY_MIN).maximumExpectedValue(LATENCY_MAX)
                .register(registry);
    }

    /** Challenges finished by outcome: PASSED, WRONG, LATE, MISSING. */
    public static Counter challenges(MeterRegistry registry, String outcome) {
        return Counter.builder("corral_challenges_finished").tag("outcome", outcome)
                .description("Availability challenges finished, by outcome")
                .register(registry);
    }

    public static Counter heartbeats(MeterRegistry registry) {
        return Counter.builder("corral_heartbeats")
                .description("Heartbeats accepted from agents")
                .register(registry);
    }

    public static Counter agentRequestsRefused(MeterRegistry registry, String reason) {
        return Counter.builder("corral_agent_requests_refused").tag("reason", reason)
                .description("Agent requests refused before anything read them, by reason")
                .register(registry);
    }
}
