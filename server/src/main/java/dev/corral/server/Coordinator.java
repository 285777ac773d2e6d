package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Json;
import dev.corral.core.api.ApiError;
import dev.corral.store.Database;
import dev.corral.store.DuplicateException;
import dev.corral.store.StoreClosedException;
import dev.corral.store.Ledger;
import dev.corral.core.auth.KeyFile;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.KeyPair;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final Database database;
    private final Javalin app;
    private final WorkBoard board;
    private final Sweeper sweeper;
    private final Optional<String> generatedAdminKey;

    private Coordinator(Database database, Javalin app, WorkBoard board, Sweeper sweeper,
            Optional<String> generatedAdminKey) {
        this.database = database;
        this.app = app;
        this.board = board;
        this.sweeper = sweeper;
        this.generatedAdminKey = generatedAdminKey;
    }

    public static Coordinator start(CoordinatorConfig config) {
        requireNonNull(config, "config is null");
        KeyPair key = KeyFile.loadOrCreate(config.dataDirectory().resolve(KEY_FILE));
        Database database = config.jdbcUrl() != null
                ? Database.connect(config.jdbcUrl())
                : Database.embedded(config.dataDirectory());
        try {
            Store store = Store.on(database);
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            WorkBoard board = new WorkBoard();
            AccountService accounts = new AccountService(store, config.clock());
            Optional<String> adminKey = accounts.initAdminKey(config.adminKey());
            EpochService epochs = new EpochService(store, config.clock(), config.epochLength(),
                    config.computeRewardShareBasisPoints(), config.availabilityProofRequired(), key);
            DeviceIndex index = DeviceIndex.rebuild(store, config.clock());
            DeviceService devices = new DeviceService(store, index, board, config.clock());
            ClusterService clusters = new ClusterService(store, index, board, config.clock(), config.deployTimeout(),
                    metrics);
            NetworkService network = new NetworkService(store);
            Gauge.builder("corral_devices_online", network, n -> n.recent().devicesOnline()).register(metrics);
            Gauge.builder("corral_devices_idle", network, n -> n.recent().devicesIdle()).register(metrics);
            ReplayGuard replays = new ReplayGuard(config.clock().instant(), config.clockSkewMax(), ReplayGuard.NONCES_MAX);
            AgentAuth agentAuth = new AgentAuth(store, config.clock(), config.clockSkewMax(), metrics, replays);
            StakeService stakes = new StakeService(store, index, config.clock());
            ChallengeService challenges = new ChallengeService(store, index, board, config.clock(),
                    config.challengeMeanInterval(), config.challengeWork(),
                    config.availabilityProofRequired() ? config.epochLength().dividedBy(2) : null);
            Routes routes = new Routes(accounts, devices, clusters, network, epochs,
                    new TokenService(store, config.clock()), stakes, challenges,
                    new BandwidthService(store, index, config.clock()), new OfferService(index), agentAuth, board,
                    config.pollWait(), metrics);
            Javalin app = Javalin.create(javalin -> {
                javalin.concurrency.useVirtualThreads = true;
                javalin.http.maxRequestSize = BODY_BYTES_MAX;
                javalin.startup.showJavalinBanner = false;
                javalin.jsonMapper(new JavalinJackson(Json.mapper(), true));
                javalin.jetty.modifyServer(Coordinator::deepenAcceptQueue);
                routes.register(javalin.routes);
                errors(javalin.routes);
            });
            app.start(config.bindHost(), config.port());
            Sweeper sweeper = new Sweeper(store, index, clusters, epochs, stakes, challenges, replays, config.clock(),
                    config.heartbeatTimeout(), config.sweepInterval());
            return new Coordinator(database, app, board, sweeper, adminKey);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
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

    private static void errors(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(new ApiError(e.code(), e.getMessage())));
        routes.exception(IllegalArgumentException.class, (e, ctx) ->
                ctx.status(400).json(new ApiError("bad_request", e.getMessage())));
        routes.exception(DuplicateException.class, (e, ctx) ->
                ctx.status(409).json(new ApiError("conflict", e.getMessage())));
        routes.exception(Ledger.IdempotencyConflictException.class, (e, ctx) ->
                ctx.status(409).json(new ApiError("idempotency_conflict", e.getMessage())));
        routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(switch (e.getStatus()) {
            case 404 -> new ApiError("not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
            case 413 -> new ApiError("too_large", "the request body is over the limit of " + BODY_BYTES_MAX + " bytes");
            default -> new ApiError("http_" + e.getStatus(), e.getMessage());
        }));
        routes.exception(StoreClosedException.class, (e, ctx) ->
                ctx.status(503).json(new ApiError("unavailable", e.getMessage() + "; try again shortly")));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError("internal", "the coordinator failed; the change was rolled back"));
        });
    }

    public int port() {
        return app.port();
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
    }
}
