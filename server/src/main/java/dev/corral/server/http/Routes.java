package dev.corral.server.http;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.Ids;
import dev.corral.core.Sha256;
import dev.corral.core.api.ApiKeyRequest;
import dev.corral.core.api.CreateAccount;
import dev.corral.core.api.CreditRequest;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.ExtendRequest;
import dev.corral.core.api.IoAmount;
import dev.corral.core.api.OracleUpdate;
import dev.corral.core.api.QuoteRequest;
import dev.corral.core.api.ReportRequest;
import dev.corral.core.api.StakeRequest;
import dev.corral.core.api.StakerShareUpdate;
import dev.corral.core.api.TierUpdate;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.Heartbeat;
import dev.corral.core.protocol.LogBatch;
import dev.corral.core.protocol.RankExited;
import dev.corral.core.protocol.RankPulling;
import dev.corral.core.protocol.RankStarted;
import dev.corral.core.protocol.RegisterRequest;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.accounts.Secrets;
import dev.corral.server.challenges.ChallengeService;
import dev.corral.server.clusters.ClusterServices;
import dev.corral.server.devices.DeviceService;
import dev.corral.server.devices.WorkBoard;
import dev.corral.server.network.BandwidthService;
import dev.corral.server.network.NetworkService;
import dev.corral.server.network.OfferService;
import dev.corral.server.tokens.EpochService;
import dev.corral.server.tokens.StakeService;
import dev.corral.server.tokens.TokenService;
import dev.corral.store.Database;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/** The HTTP surface: /api/v1 for people (bearer keys), /agent/v1 for devices (signed requests). Thin: parse, call, write. */
public final class Routes {
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    static final int TRANSFERS_LIMIT_DEFAULT = 50;
    static final int ORACLE_LIMIT_DEFAULT = 20;
    private static final String BEARER = "Bearer ";
    /** Agent requests at work with the store at once: twice the store's connections. */
    static final int AGENT_REQUESTS_IN_FLIGHT_MAX = 2 * Database.POOL_SIZE_MAX;
    /** Bytes read at a time from a bandwidth probe's upload. */
    static final int UPLOAD_BUFFER_BYTES = 64 * 1024;

    private final AccountService accounts;
    private final DeviceService devices;
    private final ClusterServices clusters;
    private final NetworkService network;
    private final EpochService epochs;
    private final TokenService tokens;
    private final StakeService stakes;
    private final ChallengeService challenges;
    private final BandwidthService bandwidth;
    private final OfferService offers;
    private final AgentAuth agentAuth;
    private final WorkBoard board;
    private final Duration pollWait;
    private final PrometheusMeterRegistry metrics;
    private final RateLimits rateLimits;
    private final AgentAnswers agentAnswers;
    private final Semaphore agentAdmission = new Semaphore(AGENT_REQUESTS_IN_FLIGHT_MAX, true);

    public Routes(AccountService accounts, DeviceService devices, ClusterServices clusters, NetworkService network,
            EpochService epochs, TokenService tokens, StakeService stakes, ChallengeService challenges,
            BandwidthService bandwidth, OfferService offers, AgentAuth agentAuth, WorkBoard board,
            Duration pollWait,
            PrometheusMeterRegistry metrics, RateLimits rateLimits, AgentAnswers agentAnswers) {
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.network = requireNonNull(network, "network is null");
        this.epochs = requireNonNull(epochs, "epochs is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.bandwidth = requireNonNull(bandwidth, "bandwidth is null");
        this.offers = requireNonNull(offers, "offers is null");
        this.agentAuth = requireNonNull(agentAuth, "agentAuth is null");
        this.board = requireNonNull(board, "board is null");
        this.pollWait = requireNonNull(pollWait, "pollWait is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.rateLimits = requireNonNull(rateLimits, "rateLimits is null");
        this.agentAnswers = requireNonNull(agentAnswers, "agentAnswers is null");
    }

    public void register(RoutesConfig routes) {
        routes.before("/api/*", this::rateLimit);
        routes.before("/explorer", this::rateLimit);
        routes.before("/explorer/*", this::rateLimit);
        for (String web : List.of("/login", "/signup", "/logout", "/cloud", "/cloud/*", "/worker", "/worker/*")) {
            routes.before(web, this::rateLimit);
        }
        routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
        routes.get("/api/v1/network/stats", ctx -> ctx.json(network.stats()));
        routes.get("/api/v1/offers", ctx -> ctx.json(offers.search(ctx.queryParam("q"), ctx.queryParam("sort"))));
        routes.get("/api/v1/oracle", ctx -> ctx.json(tokens.prices(Params.intParam(ctx, "limit", ORACLE_LIMIT_DEFAULT))));
        routes.get("/api/v1/ledger/key", ctx -> ctx.json(Map.of("algorithm", "Ed25519", "publicKey", epochs.publicKey())));
        routes.get("/api/v1/ledger/journal", ctx -> ctx.json(epochs.journal(Params.longParam(ctx, "after", 0),
                Params.intParam(ctx, "limit", JournalEntry.PAGE_MAX))));
        routes.get("/api/v1/ledger/epochs", ctx -> ctx.json(epochs.epochs(Params.longParam(ctx, "from", 0),
                Params.intParam(ctx, "limit", EpochRecord.PAGE_MAX))));
        routes.get("/api/v1/ledger/blocks/{epoch}", ctx -> ctx.json(epochs.block(Params.longParam("epoch",
                ctx.pathParam("epoch")))));
        routes.get("/api/v1/ledger/proof", ctx -> {
            String account = ctx.queryParam("account");
            if (account == null || ctx.queryParam("epoch") == null) {
                throw Refusal.invalid("account and epoch are required");
            }
            ctx.json(epochs.proof(publicAccountFor(ctx, account), Params.longParam(ctx, "epoch", 0)));
        });
        routes.post("/api/v1/accounts", ctx -> {
            CreateAccount request = Bodies.read(ctx.bodyAsBytes(), CreateAccount.class);
            ctx.status(201).json(accounts.create(request.name(), request.referralCode()));
        });

        routes.get("/api/v1/account", ctx -> ctx.json(accounts.view(account(ctx))));
        routes.get("/api/v1/account/keys", ctx -> ctx.json(accounts.keys(account(ctx))));
        routes.post("/api/v1/account/keys", ctx -> {
            AccountId owner = account(ctx);
            ApiKeyRequest request = Bodies.read(ctx.bodyAsBytes(), ApiKeyRequest.class);
            ctx.status(201).json(accounts.createKey(owner, request.label()));
        });
        routes.delete("/api/v1/account/keys/{id}", ctx -> {
            accounts.revokeKey(account(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        routes.get("/api/v1/account/pseudonym", ctx -> ctx.json(epochs.pseudonymOf(account(ctx))));
        routes.get("/api/v1/wallet", ctx -> ctx.json(tokens.wallet(account(ctx))));
        routes.post("/api/v1/wallet/mint-iosd", ctx -> {
            AccountId owner = account(ctx);
            ctx.json(tokens.mintIosd(owner, Bodies.read(ctx.bodyAsBytes(), IoAmount.class).io(),
                    ctx.header(IDEMPOTENCY_HEADER)));
        });
        routes.post("/api/v1/stakes", ctx -> {
            AccountId staker = account(ctx);
            StakeRequest request = Bodies.read(ctx.bodyAsBytes(), StakeRequest.class);
            ctx.status(201).json(stakes.stake(staker, request.on(), request.io(), ctx.header(IDEMPOTENCY_HEADER)));
        });
        routes.get("/api/v1/stakes", ctx -> ctx.json(stakes.list(account(ctx))));
        routes.post("/api/v1/stakes/{id}/unstake", ctx -> ctx.json(stakes.unstake(account(ctx), ctx.pathParam("id"))));
        routes.put("/api/v1/account/staker-share", ctx -> {
            AccountId owner = account(ctx);
            ctx.json(stakes.setShare(owner, Bodies.read(ctx.bodyAsBytes(), StakerShareUpdate.class).percent()));
        });
        routes.get("/api/v1/rewards", ctx -> {
            ctx.json(epochs.rewards(account(ctx), Params.intParam(ctx, "limit", TRANSFERS_LIMIT_DEFAULT)));
        });
        routes.get("/api/v1/transfers", ctx -> {
            ctx.json(accounts.transfers(account(ctx), Params.intParam(ctx, "limit", TRANSFERS_LIMIT_DEFAULT)));
        });
        routes.post("/api/v1/devices/join-tokens", ctx -> ctx.status(201).json(devices.joinToken(account(ctx))));
        routes.get("/api/v1/devices", ctx -> ctx.json(devices.list(account(ctx))));
        routes.get("/api/v1/devices/{id}", ctx -> ctx.json(devices.get(account(ctx), ctx.pathParam("id"))));
        routes.patch("/api/v1/devices/{id}", ctx -> {
            AccountId owner = account(ctx);
            ctx.json(devices.update(owner, ctx.pathParam("id"), Bodies.read(ctx.bodyAsBytes(), DeviceUpdate.class)));
        });
        routes.post("/api/v1/devices/{id}/reverify", ctx -> ctx.json(devices.reverify(account(ctx),
                ctx.pathParam("id"))));
        routes.post("/api/v1/quotes", ctx -> {
            AccountId owner = account(ctx);
            ctx.status(201).json(clusters.quotes().quote(owner, Bodies.read(ctx.bodyAsBytes(), QuoteRequest.class)));
        });
        routes.post("/api/v1/clusters", ctx -> {
            AccountId owner = account(ctx);
            ctx.status(201).json(clusters.deploys().deploy(owner, Bodies.read(ctx.bodyAsBytes(), DeployRequest.class),
                    ctx.header(IDEMPOTENCY_HEADER)));
        });
        routes.get("/api/v1/clusters", ctx -> ctx.json(clusters.views().list(account(ctx))));
        routes.get("/api/v1/clusters/{id}", ctx -> ctx.json(clusters.views().get(account(ctx), ctx.pathParam("id"),
                Params.booleanParam(ctx, "ranks", true))));
        routes.get("/api/v1/clusters/{id}/logs", ctx -> ctx.json(clusters.views().logs(account(ctx), ctx.pathParam("id"),
                Params.integerParam("rank", ctx.queryParam("rank")), Params.integerParam("limit", ctx.queryParam("limit")))));
        routes.post("/api/v1/clusters/{id}/extend", ctx -> {
            AccountId owner = account(ctx);
            ctx.json(clusters.control().extend(owner, ctx.pathParam("id"),
                    Bodies.read(ctx.bodyAsBytes(), ExtendRequest.class).hours(), ctx.header(IDEMPOTENCY_HEADER)));
        });
        routes.post("/api/v1/clusters/{id}/terminate", ctx -> ctx.json(clusters.control().terminate(account(ctx),
                ctx.pathParam("id"))));
        routes.post("/api/v1/admin/oracle", ctx -> {
            admin(ctx);
            ctx.json(tokens.setPrice(Bodies.read(ctx.bodyAsBytes(), OracleUpdate.class).usdPerIo()));
        });
        routes.post("/api/v1/admin/market-maker", ctx -> {
            admin(ctx);
            ctx.json(tokens.fundMarketMaker(Bodies.read(ctx.bodyAsBytes(), IoAmount.class).io(),
                    ctx.header(IDEMPOTENCY_HEADER)));
        });
        routes.post("/api/v1/admin/devices/{id}/tiers", ctx -> {
            admin(ctx);
            TierUpdate tiers = Bodies.read(ctx.bodyAsBytes(), TierUpdate.class);
            ctx.json(devices.setTiers(ctx.pathParam("id"), tiers.securityTier(), tiers.connectivityTier()));
        });
        routes.post("/api/v1/admin/accounts/{id}/reports", ctx -> {
            admin(ctx);
            ctx.status(201).json(accounts.report(ctx.pathParam("id"), Bodies.read(ctx.bodyAsBytes(),
                    ReportRequest.class)));
        });
        routes.post("/api/v1/admin/credits", ctx -> {
            admin(ctx);
            CreditRequest credit = Bodies.read(ctx.bodyAsBytes(), CreditRequest.class);
            accounts.credit(credit.accountId(), credit.amountUsd(), ctx.header(IDEMPOTENCY_HEADER));
            ctx.json(Map.of("accountId", credit.accountId(), "credited", credit.amountUsd()));
        });

        routes.after("/agent/*", agentAnswers::sign);
        routes.get("/agent/v1/identity", ctx -> ctx.json(agentAnswers.identity(ctx.queryParam("nonce"))));
        routes.post("/agent/v1/register", ctx -> admitted(() -> {
            RegisterRequest request = Bodies.read(ctx.bodyAsBytes(), RegisterRequest.class);
            agentAuth.registration(ctx, publicKey(request.publicKey()));
            ctx.status(201).json(devices.register(request));
        }));
        routes.post("/agent/v1/heartbeat", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            devices.heartbeat(device, Bodies.read(ctx.bodyAsBytes(), Heartbeat.class));
            ctx.json(Map.of("ok", true));
        }));
        routes.get("/agent/v1/work", ctx -> ctx.json(work(ctx, false)));
        routes.post("/agent/v1/work", ctx -> ctx.json(work(ctx, true)));
        routes.get("/agent/v1/bandwidth/download", ctx -> {
            DeviceId device = admitted(() -> agentAuth.device(ctx));
            BandwidthService.Download download = bandwidth.start(device);
            ctx.header(BandwidthService.HEADER_PROBE, download.probeId()).contentType("application/octet-stream")
                    .result(download.bytes());
        });
        routes.post("/agent/v1/bandwidth/{probe}/upload", this::bandwidthUpload);
        routes.post("/agent/v1/clusters/{id}/started", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            clusters.reports().rankStarted(device, ctx.pathParam("id"), Bodies.read(ctx.bodyAsBytes(), RankStarted.class));
            ctx.json(Map.of("ok", true));
        }));
        routes.post("/agent/v1/clusters/{id}/pulling", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            clusters.reports().rankPulling(device, ctx.pathParam("id"), Bodies.read(ctx.bodyAsBytes(), RankPulling.class));
            ctx.json(Map.of("ok", true));
        }));
        routes.post("/agent/v1/clusters/{id}/exited", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            ctx.json(clusters.reports().rankExited(device, ctx.pathParam("id"),
                    Bodies.read(ctx.bodyAsBytes(), RankExited.class)));
        }));
        routes.post("/agent/v1/challenges/{id}/filled", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            ctx.json(challenges.filled(device, ctx.pathParam("id")));
        }));
        routes.post("/agent/v1/challenges/{id}/commit", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            ctx.json(challenges.commit(device, ctx.pathParam("id"),
                    Bodies.read(ctx.bodyAsBytes(), ChallengeCommit.class)));
        }));
        routes.post("/agent/v1/challenges/{id}/open", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            ctx.json(challenges.open(device, ctx.pathParam("id"), Bodies.read(ctx.bodyAsBytes(), ChallengeOpening.class)));
        }));
        routes.post("/agent/v1/clusters/{id}/logs", ctx -> admitted(() -> {
            DeviceId device = agentAuth.device(ctx);
            clusters.reports().appendLogs(device, ctx.pathParam("id"), Bodies.read(ctx.bodyAsBytes(), LogBatch.class));
            ctx.json(Map.of("ok", true));
        }));
    }

    /**
     * Counts the call against its client's rate limit: a sign-up against its address, a call
     * with an API key against the key (hashed), any other against its address; over the limit
     * it is answered 429 with Retry-After, before any work.
     */
    private void rateLimit(Context ctx) {
        String key = ctx.header("Authorization");
        // The router ignores trailing slashes: so does the check for a sign-up.
        String path = ctx.path().replaceAll("/+$", "");
        boolean signUp = "POST".equals(ctx.method().name()) && ("/api/v1/accounts".equals(path) || "/signup".equals(path));
        if (signUp) {
            refuseOverLimit(ctx, RateLimits.Kind.SIGN_UP, ctx.ip());
            return;
        }
        // Every call counts against its address, so a made-up key is no way around it; a key's own limit comes on top.
        refuseOverLimit(ctx, RateLimits.Kind.PUBLIC, ctx.ip());
        if (key != null) {
            refuseOverLimit(ctx, RateLimits.Kind.KEYED, Secrets.hash(key));
        }
    }

    private void refuseOverLimit(Context ctx, RateLimits.Kind kind, String client) {
        rateLimits.take(kind, client).ifPresent(wait -> {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw Refusal.rateLimited("too many " + switch (kind) {
                case SIGN_UP -> "sign-ups from this address";
                case KEYED -> "calls with this API key";
                case PUBLIC -> "calls from this address";
            } + ": try again in " + seconds + " s");
        });
    }

    /** Work an agent request does with the store, under {@link #AGENT_REQUESTS_IN_FLIGHT_MAX}. */
    @FunctionalInterface
    private interface AgentWork<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    private interface AgentStep {
        void run() throws Exception;
    }

    /**
     * Runs agent work once one of {@link #AGENT_REQUESTS_IN_FLIGHT_MAX} places is free, first
     * come first served. Without the bound, a thousand agents answering at once (a cluster's
     * ranks reporting their start) each take a virtual thread that waits its turn for a store
     * connection behind all the others, and the turns of the few holding one come round
     * slower the more wait.
     */
    private <T> T admitted(AgentWork<T> work) throws Exception {
        agentAdmission.acquire();
        try {
            return work.run();
        } finally {
            agentAdmission.release();
        }
    }

    private void admitted(AgentStep step) throws Exception {
        admitted(() -> {
            step.run();
            return null;
        });
    }

    /**
     * The second half of a bandwidth probe. The upload is timed from the request's arrival to its
     * last byte, so it is read here as a stream (it is bigger than any other request). It is read
     * (at most {@link BandwidthService#PROBE_BYTES}) before a probe that is not this device's is
     * refused: a refusal sent while the device still writes would reach it as a broken connection.
     * Its bytes are filler: the device signs the request (the probe and the download's checksum
     * in its path) over an empty body.
     */
    private void bandwidthUpload(Context ctx) throws Exception {
        long arrived = ServletContextRequest.getServletContextRequest(ctx.req()).getBeginNanoTime();
        String probe = ctx.pathParam("probe");
        long uploaded = 0;
        byte[] buffer = new byte[UPLOAD_BUFFER_BYTES];
        try (InputStream body = ctx.req().getInputStream()) {
            for (int read = body.read(buffer); read > 0; read = body.read(buffer)) {
                uploaded += read;
                if (uploaded > BandwidthService.PROBE_BYTES) {
                    throw Refusal.invalid("upload exactly " + BandwidthService.PROBE_BYTES + " bytes");
                }
            }
        }
        long read = System.nanoTime();
        String claimed = ctx.header(AgentSignature.HEADER_DEVICE);
        if (!Ids.looksLike(claimed, DeviceId.PREFIX) || !bandwidth.pending(probe, new DeviceId(claimed))) {
            throw Refusal.notFound("bandwidth probe", probe);
        }
        DeviceId device = admitted(() -> agentAuth.device(ctx, Sha256.hex(new byte[0])));
        ctx.json(bandwidth.finish(device, probe, ctx.queryParam("crc32c"), uploaded, arrived, read));
    }

    /**
     * Records the start reports a poll carries (a POST's body), then answers at once if the work
     * differs from what the agent knows, else when it changes or the wait runs out. An agent that
     * polls again with the version it was just sent, nothing having changed since, waits without
     * its work being read from the store first.
     */
    private WorkResponse work(Context ctx, boolean carriesReports) throws Exception {
        String known = ctx.queryParam("known");
        Duration wait = pollWait(ctx);
        DeviceId device = admitted(() -> agentAuth.device(ctx));
        if (carriesReports) {
            WorkPoll poll = Bodies.read(ctx.bodyAsBytes(), WorkPoll.class);
            admitted(() -> clusters.reports().ranksStarted(device, poll.started()));
        }
        long generation = board.generation(device);
        if (known == null || !board.unchanged(device, generation, known)) {
            WorkResponse work = currentWork(device, generation);
            if (known == null || !known.equals(work.version())) {
                return work;
            }
        }
        board.awaitChange(device, generation, wait);
        if (board.isClosed()) {
            throw Refusal.unavailable("stopping", "the coordinator is stopping; poll again shortly");
        }
        return currentWork(device, board.generation(device));
    }

    /**
     * How long a work poll is held: the {@code wait} seconds the agent asks for (its request's
     * timeout follows from it), but no longer than {@link #pollWait}, which is also the default.
     */
    private Duration pollWait(Context ctx) {
        Integer seconds = Params.integerParam("wait", ctx.queryParam("wait"));
        if (seconds == null) {
            return pollWait;
        }
        if (seconds < 1) {
            throw Refusal.invalid("wait is in whole seconds, at least 1: " + seconds);
        }
        Duration asked = Duration.ofSeconds(seconds);
        return asked.compareTo(pollWait) < 0 ? asked : pollWait;
    }

    /** The device's work read from the store, its version noted on the board at the generation read before. */
    private WorkResponse currentWork(DeviceId device, long generation) throws Exception {
        WorkResponse work = admitted(() -> clusters.work().work(device));
        board.computed(device, generation, work.version());
        return work;
    }

    /**
     * The public journal's name for the account a balance proof is asked of. A pseudonym or a
     * system account is public; an account named by its real id is its owner's alone: only the
     * owner's own wallets, asked with the owner's key.
     */
    private String publicAccountFor(Context ctx, String account) {
        String named = epochs.publicAccount(account);
        if (!named.equals(account)) {
            AccountId caller = account(ctx);
            if (!account.startsWith("user:" + caller.value() + ":")) {
                throw Refusal.forbidden("a balance proof of an account named by its id goes only to its owner, for "
                        + "their own wallets: ask with its owner's API key, or ask for the account's pseudonym as the "
                        + "public journal names it");
            }
        }
        return named;
    }

    private AccountId account(Context ctx) {
        return accounts.authenticate(bearer(ctx)).orElseThrow(() -> Refusal.unauthenticated(
                "unknown API key: pass the key 'corral account create' printed"));
    }

    private void admin(Context ctx) {
        if (!accounts.isAdmin(bearer(ctx))) {
            throw Refusal.forbidden("this needs the coordinator's admin key");
        }
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith(BEARER) || header.length() == BEARER.length()) {
            throw Refusal.unauthenticated("missing API key: send 'Authorization: Bearer KEY'");
        }
        return header.substring(BEARER.length());
    }

    private static PublicKey publicKey(String text) {
        try {
            return AgentSignature.decodePublicKey(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("publicKey: " + e.getMessage());
        }
    }
}
