package dev.corral.bench;

import dev.corral.core.api.AccountCreated;
import dev.corral.sdk.CorralClient;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The coordinator a one-machine benchmark starts in its own process (plain HTTP on loopback, no
 * rate limits, challenges out of the way) and the accounts it drives it with: a supplier whose
 * join token its agents use, and a customer credited {@link #CUSTOMER_CREDIT_USD}.
 */
record BenchParties(URI url, CorralClient anonymous, CorralClient supplier, CorralClient customer) {
    static final String CUSTOMER_CREDIT_USD = "1000";

    /** The coordinator's settings, with this heartbeat timeout and sweep interval, its data in {@code directory}. */
    static CoordinatorConfig coordinator(Path directory, Duration heartbeatTimeout, Duration sweepInterval) {
        return CoordinatorConfig.embedded(directory.resolve("coordinator"), 0)
                .withAdminKey("bench-admin-key-" + System.nanoTime())
                .withRateLimits(RateLimits.Policy.NONE).withTls(TlsSettings.PLAIN_HTTP)
                .withTimeouts(heartbeatTimeout, DeployBenchmark.POLL_WAIT, DeployBenchmark.DEPLOY_TIMEOUT, sweepInterval)
                .withChallenges(DeployBenchmark.CHALLENGE_MEAN_INTERVAL, DeployBenchmark.CHALLENGE_WORK, false);
    }

    /** A supplier and a credited customer on the started coordinator. */
    static BenchParties on(Coordinator coordinator, CoordinatorConfig config) {
        URI url = URI.create("http://127.0.0.1:" + coordinator.port());
        CorralClient anonymous = new CorralClient(url, null);
        CorralClient supplier = anonymous.withKey(anonymous.createAccount("bench-supplier").apiKey());
        AccountCreated customer = anonymous.createAccount("bench-customer");
        anonymous.withKey(config.adminKey()).credit(customer.accountId(), CUSTOMER_CREDIT_USD, "bench-credit");
        return new BenchParties(url, anonymous, supplier, anonymous.withKey(customer.apiKey()));
    }

    /** Waits, polling every {@code poll}, until the condition holds; gives up after {@code max}. */
    static void await(String what, Duration max, Duration poll, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(max);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + max.toSeconds() + " s");
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
