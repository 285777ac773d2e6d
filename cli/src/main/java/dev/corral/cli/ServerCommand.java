package dev.corral.cli;

import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import dev.corral.sdk.ServerTrust;
import dev.corral.server.http.RateLimits;
import dev.corral.server.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `corral server`: runs the coordinator until stopped. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the coordinator: the HTTP API for people (/api/v1) and devices (/agent/v1).")
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (0 picks a free one; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Option(names = "--data", defaultValue = "corral-data",
            description = "Data directory: the coordinator's signing key, the key sealing secrets, the TLS certificate it "
                    + "made, and the embedded store unless --db is given (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", description = "JDBC URL of a PostgreSQL store instead, e.g. jdbc:postgresql://127.0.0.1:5432/corral")
    String db;

    @Option(names = "--admin-key", description = "Admin key (env CORRAL_ADMIN_KEY); without one, a key is made and printed on first start.")
    String adminKey;

    @Option(names = "--heartbeat-timeout", defaultValue = "30", description = "Seconds without a heartbeat before a device is offline (default ${DEFAULT-VALUE}).")
    long heartbeatTimeoutSeconds;

    @Option(names = "--replacement-wait", defaultValue = "120", description = "Seconds after a lost device's last "
            + "heartbeat that a cluster deployed with --on-device-loss fail waits for another device to take its rank "
            + "before it fails (default ${DEFAULT-VALUE}).")
    long replacementWaitSeconds;

    @Option(names = "--epoch-length", defaultValue = "3600",
            description = "Seconds per epoch; one block of IO is minted per epoch (default ${DEFAULT-VALUE}, an hour).")
    long epochSeconds;

    @Option(names = "--compute-reward-share", defaultValue = "50",
            description = "Percent of each block paid as compute rewards; the rest rewards availability (default ${DEFAULT-VALUE}).")
    int computeRewardSharePercent;

    @Option(names = "--no-rate-limits", description = "Serve every client without rate limits (behind a proxy that "
            + "limits them itself, or for load tests); by default sign-ups, public calls and calls per API key are limited.")
    boolean noRateLimits;

    @Option(names = "--tls-cert", description = "PEM certificate chain to serve HTTPS with (with --tls-key); by default "
            + "the coordinator makes its own at first start and keeps it in the data directory (tls.crt).")
    Path tlsCertificate;

    @Option(names = "--tls-key", description = "PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--insecure-http", description = "Serve plain HTTP instead of HTTPS: on loopback or for tests "
            + "only (agents take only the certificate the coordinator serves itself, so not behind a proxy that "
            + "terminates TLS). Agents still check that every answer is signed by this coordinator's key, but what "
            + "they and people send can be read on the way.")
    boolean insecureHttp;

    @Override
    public Integer call() throws InterruptedException {
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (insecureHttp && tlsCertificate != null) {
            throw new IllegalArgumentException("--insecure-http serves no certificate: drop --tls-cert and --tls-key");
        }
        TlsSettings tls = insecureHttp ? TlsSettings.PLAIN_HTTP
                : tlsCertificate != null ? TlsSettings.files(tlsCertificate, tlsKey) : TlsSettings.SELF_MADE;
        String key = adminKey != null ? adminKey : System.getenv("CORRAL_ADMIN_KEY");
        CoordinatorConfig config = CoordinatorConfig.embedded(data, port).withBindHost(bind).withAdminKey(key)
                .withTimeouts(Duration.ofSeconds(heartbeatTimeoutSeconds), CoordinatorConfig.POLL_WAIT_DEFAULT,
                        CoordinatorConfig.DEPLOY_TIMEOUT_DEFAULT, CoordinatorConfig.SWEEP_INTERVAL_DEFAULT)
                .withReplacementWait(Duration.ofSeconds(replacementWaitSeconds))
                .withEpochs(Duration.ofSeconds(epochSeconds), computeRewardSharePercent * 100)
                .withRateLimits(noRateLimits ? RateLimits.Policy.NONE : RateLimits.Policy.DEFAULT).withTls(tls);
        if (db != null) {
            config = config.withJdbcUrl(db);
        }
        Coordinator coordinator = Coordinator.start(config);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stop.countDown();
        }));
        var out = spec.commandLine().getOut();
        out.println("corral coordinator listening on " + coordinator.url() + " (store: "
                + (db != null ? db : data.toAbsolutePath()) + ")");
        coordinator.certificateSha256().ifPresentOrElse(
                sha -> out.println("TLS certificate SHA-256: " + ServerTrust.display(sha)
                        + "\n  (clients: pass it as --fingerprint, or compare it with what they pin on first use)"),
                () -> out.println("serving plain HTTP: what clients send can be read on the way"));
        out.println("coordinator key fingerprint: " + coordinator.keyFingerprint() + " (every join token carries it)");
        coordinator.generatedAdminKey().ifPresent(generated -> out.println(
                "admin key (shown once, keep it): " + generated));
        out.flush();
        stop.await();
        return 0;
    }
}
