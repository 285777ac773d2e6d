package dev.corral.bench;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.AccountCreated;
import dev.corral.sdk.CorralClient;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * `corral bench heartbeats`: a coordinator on a fresh store in this process and many device
 * identities registering, then sending signed heartbeats as fast as it answers them, over
 * loopback HTTP. Gives the coordinator's capacity for agent traffic: registrations and
 * heartbeats a second, and with that how many devices one coordinator serves at the agent's
 * heartbeat interval; then, as its floor, the rate of the same requests to a plain server
 * ({@link HeartbeatFloor}) for as long, and the ratio.
 */
final class HeartbeatBenchmark {
    /** The devices never answer work polls or challenges, and must not go offline while measured. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofMinutes(10);
    static final Duration CHALLENGE_MEAN_INTERVAL = Duration.ofDays(365);
    static final Duration WARM_UP = Duration.ofSeconds(10);
    static final Duration FLOOR_WARM_UP = Duration.ofSeconds(3);

    private HeartbeatBenchmark() {}

    /** @param jdbcUrl an empty PostgreSQL schema for the coordinator's store, or null for the embedded one */
    static void run(int devices, int senders, Duration measured, String jdbcUrl, Path directory, PrintWriter out)
            throws Exception {
        CoordinatorConfig embedded = CoordinatorConfig.embedded(directory.resolve("coordinator"), 0)
                .withAdminKey("bench-admin-key-" + System.nanoTime())
                .withRateLimits(RateLimits.Policy.NONE).withTls(TlsSettings.PLAIN_HTTP)
                .withTimeouts(HEARTBEAT_TIMEOUT, DeployBenchmark.POLL_WAIT, DeployBenchmark.DEPLOY_TIMEOUT,
                        DeployBenchmark.SWEEP_INTERVAL)
                .withChallenges(CHALLENGE_MEAN_INTERVAL, Duration.ZERO, false);
        CoordinatorConfig config = jdbcUrl == null ? embedded : embedded.withJdbcUrl(jdbcUrl);
        WorkerAgent.keepConnectionsFor(senders);
        try (Coordinator coordinator = Coordinator.start(config)) {
            URI url = URI.create("http://127.0.0.1:" + coordinator.port());
            CorralClient anonymous = new CorralClient(url, null);
            AccountCreated account = anonymous.createAccount("bench-supplier");
            CorralClient supplier = anonymous.withKey(account.apiKey());
            List<String> tokens = new ArrayList<>(devices);
            for (int i = 0; i < devices; i++) {
                tokens.add(supplier.joinToken().token());
            }
            HeartbeatLoad load = new HeartbeatLoad(url);
            long start = System.nanoTime();
            load.register(tokens, directory.resolve("devices"), senders);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("%,d devices registered in %.2f s: %,.0f registrations/s (%d at once)%n", devices, seconds,
                    devices / seconds, senders);
            out.flush();
            HeartbeatLoad.Result warm = load.run(senders, WARM_UP);
            out.printf("warm-up: %,d heartbeats in %d s%n", warm.answered(), WARM_UP.toSeconds());
            HeartbeatLoad.Result result = load.run(senders, measured);
            double perSecond = result.perSecond();
            out.printf("%,d heartbeats from %,d devices, %d senders at once, in %.1f s: %,.0f/s, %d failed; latency "
                            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", result.answered(), result.devices(),
                    result.senders(), result.elapsed().toNanos() / 1e9, perSecond, result.failed(),
                    result.percentileMicros(50) / 1e3, result.percentileMicros(99) / 1e3,
                    result.percentileMicros(100) / 1e3);
            double floor = HeartbeatFloor.perSecond(senders, FLOOR_WARM_UP, measured);
            out.printf("floor: the same body posted by %d senders to the JDK's plain HTTP server on loopback "
                    + "(no signature, store or JSON read): %,.0f/s; ratio (floor / coordinator) %.1f%n", senders, floor,
                    floor / Math.max(1e-9, perSecond));
            long interval = AgentConfig.HEARTBEAT_INTERVAL_DEFAULT.toSeconds();
            out.printf("at one heartbeat every %d s (the agent's default), that rate serves %,.0f devices%n", interval,
                    perSecond * interval);
            out.flush();
        }
    }
}
