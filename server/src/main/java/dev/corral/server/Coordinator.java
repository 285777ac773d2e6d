package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Json;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.auth.KeyFile;
import dev.corral.core.auth.Signatures;
import dev.corral.core.publicledger.Pseudonyms;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.accounts.CustomerHistory;
import dev.corral.server.challenges.ChallengeService;
import dev.corral.server.clusters.AgentWork;
import dev.corral.server.clusters.ClusterControl;
import dev.corral.server.clusters.ClusterEnd;
import dev.corral.server.clusters.ClusterServices;
import dev.corral.server.clusters.SecretSeal;
import dev.corral.server.clusters.ClusterSweep;
import dev.corral.server.clusters.ClusterViews;
import dev.corral.server.clusters.DeployService;
import dev.corral.server.clusters.QuoteService;
import dev.corral.server.clusters.RankReports;
import dev.corral.server.devices.DeviceService;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.devices.TelemetryHistory;
import dev.corral.server.devices.WorkBoard;
import dev.corral.server.web.CloudPages;
import dev.corral.server.web.ExplorerPages;
import dev.corral.server.web.Pages;
import dev.corral.server.web.Sessions;
import dev.corral.server.web.WebAssets;
import dev.corral.server.web.WebPages;
import dev.corral.server.web.WorkerPages;
import dev.corral.server.http.AgentAnswers;
import dev.corral.server.http.AgentAuth;
import dev.corral.server.http.Errors;
import dev.corral.server.http.JettyErrors;
import dev.corral.server.http.RateLimits;
import dev.corral.server.http.ReplayGuard;
import dev.corral.server.http.Routes;
import dev.corral.server.metrics.CoordinatorMetrics;
import dev.corral.server.network.BandwidthService;
import dev.corral.server.network.NetworkService;
import dev.corral.server.network.OfferService;
import dev.corral.server.tokens.EpochService;
import dev.corral.server.tokens.OwnLedgerCheck;
import dev.corral.server.tokens.StakeService;
import dev.corral.server.tokens.TokenService;
import dev.corral.server.tls.CoordinatorCertificate;
import dev.corral.store.Database;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The coordinator: the HTTP API for people and agents over one store. {@link #start} opens
 * the store (migrating it), serves, and runs the timeouts until {@link #close}.
 */
public final class Coordinator implements AutoCloseable {
    /** The largest request body accepted; bigger ones get 413 before they are read. */
    public static final long BODY_BYTES_MAX = 1024 * 1024;
    /**
     * Connections waiting to be accepted. Jetty's default leaves it to the JDK's 50: when a
     * thousand agents connect at once (a cluster's ranks reporting their start) the kernel drops
     * the rest of the handshakes, and those agents wait 1, 3 or 7 s for the retransmission.
     */
    static final int ACCEPT_QUEUE_MAX = 4_096;
    /** The coordinator's Ed25519 key that signs epoch records, kept in the data directory. */
    public static final String KEY_FILE = "coordinator.key";

    private final Database database;
    private final CoordinatorMetrics metrics;
    private final Javalin app;
    private final WorkBoard board;
    private final Sweeper sweeper;
    private final Optional<String> generatedAdminKey;
    private final String bindHost;
    private final String keyFingerprint;
    private final Optional<String> certificateSha256;

    private Coordinator(Database database, CoordinatorMetrics metrics, Javalin app, WorkBoard board, Sweeper sweeper,
            Optional<String> generatedAdminKey, String bindHost, String keyFingerprint,
            Optional<String> certificateSha256) {
        this.database = database;
        this.metrics = metrics;
        this.app = app;
        this.board = board;
        this.sweeper = sweeper;
        this.generatedAdminKey = generatedAdminKey;
        this.bindHost = bindHost;
        this.keyFingerprint = keyFingerprint;
        this.certificateSha256 = certificateSha256;
    }

    public static Coordinator start(CoordinatorConfig config) {
        requireNonNull(config, "config is null");
        KeyPair key = KeyFile.loadOrCreate(config.dataDirectory().resolve(KEY_FILE));
        Optional<CoordinatorCertificate> certificate = CoordinatorCertificate.of(config.tls(), config.dataDirectory(),
                config.bindHost());
        Database database = config.jdbcUrl() != null
                ? Database.connect(config.jdbcUrl())
                : Database.embedded(config.dataDirectory());
        CoordinatorMetrics observed = new CoordinatorMetrics();
        try {
            Pseudonyms pseudonyms = Pseudonyms.of(key.getPrivate());
            String fingerprint = CoordinatorKey.fingerprint(key.getPublic());
            Store store = Store.on(database, pseudonyms);
            PrometheusMeterRegistry metrics = observed.registry();
            database.publishPoolMetrics(metrics);
            WorkBoard board = new WorkBoard();
            AccountService accounts = new AccountService(database, store.accounts(), store.apiKeys(), store.clusters(),
                    store.ledger(), store.settings(), store.customerReports(), config.clock());
            // Before anything is written: a journal changed behind this coordinator's back stops it here.
            OwnLedgerCheck.verify(database, store.ledger(), store.epochs(), key.getPublic(), pseudonyms);
            Optional<String> adminKey = accounts.initAdminKey(config.adminKey());
            DeviceState deviceState = DeviceState.load(database, store.devices(), store.stakes(), board, config.clock());
            EpochService epochs = new EpochService(database, store.devices(), store.clusters(), store.ledger(),
                    store.settings(), store.epochs(), store.stakes(), store.challenges(), deviceState, metrics,
                    config.clock(), config.epochLength(), config.computeRewardShareBasisPoints(),
                    config.availabilityProofRequired(), key);
            DeviceService devices = new DeviceService(database, store.devices(), store.joinTokens(), store.challenges(),
                    deviceState, config.clock(), metrics, fingerprint);
            ClusterEnd ends = new ClusterEnd(store.clusters(), store.ledger(), store.oracle(), store.accounts(),
                    store.devices(), deviceState, config.clock(), config.deployTimeout(), metrics);
            SecretSeal seal = SecretSeal.loadOrCreate(config.dataDirectory().resolve(SecretSeal.KEY_FILE));
            ClusterServices clusters = clusterServices(store, deviceState, ends, seal, config.clock(), config.heartbeatTimeout(),
                    metrics);
            NetworkService network = new NetworkService(database, store.devices(), store.clusters(), store.ledger(),
                    store.networkSamples(), config.clock());
            Gauge.builder("corral_devices_online", network, n -> n.recent().devicesOnline())
                    .description("Devices online, as of at most a few seconds ago").register(metrics);
            Gauge.builder("corral_devices_idle", network, n -> n.recent().devicesIdle())
                    .description("Devices online, verified and not hired, as of at most a few seconds ago").register(metrics);
            ReplayGuard replays = new ReplayGuard(config.clock().instant(), config.clockSkewMax(), ReplayGuard.NONCES_MAX);
            AgentAuth agentAuth = new AgentAuth(database, store.devices(), config.clock(), config.clockSkewMax(), metrics,
                    replays);
            StakeService stakes = new StakeService(database, store.accounts(), store.ledger(), store.stakes(), deviceState,
                    config.clock());
            ChallengeService challenges = new ChallengeService(database, store.devices(), store.challenges(), deviceState,
                    metrics, config.clock(), config.challengeMeanInterval(), config.challengeWork(),
                    config.availabilityProofRequired() ? config.epochLength().dividedBy(2) : null);
            TokenService tokens = new TokenService(database, store.clusters(), store.ledger(), store.oracle(),
                    config.clock());
            OfferService offers = new OfferService(deviceState);
            Routes routes = new Routes(accounts, devices, clusters, network, epochs, tokens, stakes, challenges,
                    new BandwidthService(deviceState, config.clock()), offers, agentAuth, board,
                    config.pollWait(), metrics,
                    // Calls are counted in real time: a test's clock moved by hours must not refill every bucket.
                    new RateLimits(config.rateLimits(), Clock.systemUTC()),
                    new AgentAnswers(Signatures.signer(key.getPrivate()), key.getPublic(),
                            certificate.map(CoordinatorCertificate::sha256).orElse(null)));
            Pages pages = new Pages();
            ExplorerPages explorer = new ExplorerPages(pages, network, epochs, stakes, tokens);
            Sessions sessions = new Sessions(database, store.webSessions(), accounts, config.clock());
            TelemetryHistory telemetry = new TelemetryHistory(database, store.devices(), store.telemetrySamples(),
                    config.clock());
            WebPages web = new WebPages(pages, sessions, accounts);
            CloudPages cloud = new CloudPages(web, clusters, offers, accounts, tokens);
            WorkerPages worker = new WorkerPages(web, devices, telemetry, accounts, epochs, tokens, stakes,
                    clusters.quotes(), network);
            Javalin app = Javalin.create(javalin -> {
                javalin.concurrency.useVirtualThreads = true;
                javalin.http.maxRequestSize = BODY_BYTES_MAX;
                javalin.startup.showJavalinBanner = false;
                javalin.jsonMapper(new JavalinJackson(Json.mapper(), true));
                javalin.jetty.modifyServer(Coordinator::deepenAcceptQueue);
                javalin.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
                javalin.requestLogger.http(observed::requestDone);
                certificate.ifPresent(served -> javalin.jetty.addConnector((server, http) ->
                        served.connector(server, http, config.bindHost(), config.port())));
                routes.register(javalin.routes);
                explorer.register(javalin.routes);
                web.register(javalin.routes);
                cloud.register(javalin.routes);
                worker.register(javalin.routes);
                javalin.staticFiles.add(WebAssets::configure);
                Errors.register(javalin.routes, BODY_BYTES_MAX);
            });
            app.start(config.bindHost(), config.port());
            ClusterSweep clusterSweep = new ClusterSweep(database, store.clusters(), store.stakes(), deviceState, ends,
                    config.clock(), config.replacementWait(), metrics);
            Sweeper sweeper = new Sweeper(database, store.devices(), store.quotes(), deviceState, clusterSweep, epochs,
                    stakes, challenges, network, sessions, telemetry, replays, config.clock(), config.heartbeatTimeout(), config.sweepInterval());
            return new Coordinator(database, observed, app, board, sweeper, adminKey, config.bindHost(),
                    fingerprint, certificate.map(CoordinatorCertificate::sha256));
        } catch (RuntimeException e) {
            observed.close();
            database.close();
            throw e;
        }
    }

    private static ClusterServices clusterServices(Store store, DeviceState devices, ClusterEnd ends, SecretSeal seal,
            Clock clock, Duration heartbeatTimeout, MeterRegistry metrics) {
        Database db = store.db();
        ClusterViews views = new ClusterViews(db, store.clusters(), store.ledger(), store.logs());
        QuoteService quotes = new QuoteService(db, store.quotes(),
                new CustomerHistory(store.clusters(), store.customerReports()), devices, clock);
        return new ClusterServices(quotes,
                new DeployService(db, store.clusters(), store.ledger(), store.stakes(), quotes, views, devices, seal,
                        clock, metrics),
                views, new ClusterControl(db, store.clusters(), store.ledger(), views, ends, clock),
                new AgentWork(db, store.clusters(), store.challenges(), seal, heartbeatTimeout),
                new RankReports(db, store.clusters(), store.logs(), devices, ends, clock, metrics));
    }

    /** Sets every connector's accept queue just before it binds its socket. */
    private static void deepenAcceptQueue(Server server) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    if (connector instanceof ServerConnector serverConnector) {
                        serverConnector.setAcceptQueueSize(ACCEPT_QUEUE_MAX);
                    }
                }
            }
        });
    }

    public int port() {
        return app.port();
    }

    /**
     * Where clients on this machine reach the coordinator: https (or http when chosen) at the
     * bound address, or at 127.0.0.1 when it listens on every address.
     */
    public URI url() {
        String host = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1"
                : bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
        return URI.create((certificateSha256.isPresent() ? "https" : "http") + "://" + host + ":" + port());
    }

    /** The fingerprint of the coordinator's key, which its join tokens carry ({@link CoordinatorKey}). */
    public String keyFingerprint() {
        return keyFingerprint;
    }

    /** The SHA-256 (hex) of the TLS certificate it serves; empty over plain HTTP. */
    public Optional<String> certificateSha256() {
        return certificateSha256;
    }

    /** The admin key made on this store's first start, if this start made it: shown once. */
    public Optional<String> generatedAdminKey() {
        return generatedAdminKey;
    }

    /**
     * Serves the API on one more port of the same host, chosen by the system, and returns it.
     * For a benchmark that runs thousands of agents on one machine: on a real network each agent
     * connects from an address of its own, here all from 127.0.0.1 to one port, and the kernel
     * finds a free local port for each new connection per source address, destination address
     * and destination port: with tens of thousands open or closing, its search took an eighth of
     * the machine in a 10,000-device deploy. Agent processes spread over ports each get the
     * whole range.
     */
    public int openExtraPort() {
        if (certificateSha256.isPresent()) {
            throw new IllegalStateException("extra ports serve plain HTTP: for a coordinator that serves plain HTTP only");
        }
        Server server = app.jettyServer().server();
        ServerConnector first = (ServerConnector) server.getConnectors()[0];
        ServerConnector extra = new ServerConnector(server,
                new HttpConnectionFactory(first.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()));
        extra.setHost(first.getHost());
        extra.setPort(0);
        extra.setAcceptQueueSize(ACCEPT_QUEUE_MAX);
        extra.setIdleTimeout(first.getIdleTimeout());
        server.addConnector(extra);
        try {
            if (!extra.isStarted()) {
                extra.start();
            }
        } catch (Exception e) {
            server.removeConnector(extra);
            throw new IllegalStateException("cannot open another port: " + e.getMessage(), e);
        }
        return extra.getLocalPort();
    }

    @Override
    public void close() {
        sweeper.close();
        board.close();
        app.stop();
        database.close();
        metrics.close();
    }
}
