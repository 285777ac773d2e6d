package dev.corral.e2e;

import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import java.nio.file.Path;

/**
 * A coordinator in a process of its own, configured as the test network's, for tests that kill
 * it. Arguments: the data directory, the port (0 for any), and a JDBC URL or "-" for the
 * embedded store. Prints its port once it serves, then serves until killed.
 */
public final class CoordinatorProcess {
    private CoordinatorProcess() {}

    public static void main(String[] args) throws Exception {
        CoordinatorConfig config = CoordinatorConfig.embedded(Path.of(args[0]), Integer.parseInt(args[1]))
                .withAdminKey(TestNetwork.ADMIN_KEY).withRateLimits(RateLimits.Policy.NONE).withTls(TlsSettings.PLAIN_HTTP)
                .withTimeouts(TestNetwork.HEARTBEAT_TIMEOUT.multipliedBy(5), TestNetwork.POLL_WAIT,
                        TestNetwork.DEPLOY_TIMEOUT, TestNetwork.SWEEP_INTERVAL)
                .withChallenges(TestNetwork.CHALLENGE_MEAN_INTERVAL, TestNetwork.CHALLENGE_WORK, false);
        Coordinator coordinator = Coordinator.start(args[2].equals("-") ? config : config.withJdbcUrl(args[2]));
        System.out.println(coordinator.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
