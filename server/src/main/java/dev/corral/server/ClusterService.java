package dev.corral.server;

import dev.corral.core.AccountId;
import static java.util.Objects.requireNonNull;

import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import dev.corral.core.Ids;
import dev.corral.core.Money;
import dev.corral.core.RankState;
import dev.corral.core.Sha256;
import dev.corral.core.api.Amount;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.LogView;
import dev.corral.core.api.QuoteRequest;
import dev.corral.core.api.QuoteView;
import dev.corral.core.protocol.Assignment;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.core.protocol.LogBatch;
import dev.corral.core.protocol.RankExited;
import dev.corral.core.protocol.RankStarted;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.ledger.BuyAndBurn;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.ledger.NetworkFee;
import dev.corral.ledger.Referrals;
import dev.corral.ledger.ServedTime;
import dev.corral.ledger.Settlement;
import dev.corral.ledger.Transfer;
import dev.corral.ledger.TransferKind;
import dev.corral.proofs.Reputation;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.CustomerDiscount;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.Layout;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PlacementRequest;
import dev.corral.scheduler.PriceOracle;
import dev.corral.scheduler.ScarcityPolicy;
import dev.corral.store.ClusterRow;
import dev.corral.store.DeviceRow;
import dev.corral.store.Ledger;
import dev.corral.store.Logs;
import dev.corral.store.Oracle;
import dev.corral.store.Quotes;
import dev.corral.store.RankRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Clusters from quote to settlement: deploy holds escrow and reserves devices in one
 * transaction; agents learn their ranks by long-polling; the cluster runs when every rank
 * started and ends when they all exit, one fails, a device is lost, the owner terminates
 * it, or its paid time runs out; at the end the escrow is settled in the same transaction.
 */
final class ClusterService {
    static final String RUNTIME_PROCESS = "process";
    static final int PLACEMENT_ATTEMPTS_MAX = 3;
    /**
     * Clusters up to this many ranks get every peer's host (CORRAL_PEERS); larger ones meet at
     * the head (CORRAL_HEAD_ADDR), as torch.distributed does, instead of every agent
     * downloading every other's address.
     */
    static final int PEERS_LISTED_MAX = 256;
    static final Duration QUOTE_TTL = Duration.ofMinutes(5);
    static final String QUOTE_PREFIX = "quo";
    /** Locks that serialise deploys sharing an idempotency key (hashed onto this many). */
    static final int IDEMPOTENT_DEPLOY_STRIPES = 256;
    static final int CMD_LENGTH_MAX = 4096;
    static final int ENV_ENTRIES_MAX = 64;
    static final int ENV_VALUE_LENGTH_MAX = 4096;
    static final int CLUSTERS_LIST_MAX = 200;
    static final int LOG_LINES_READ_MAX = 10_000;
    static final int LOG_BATCH_LINES_MAX = 1_000;
    private static final List<ClusterState> ACTIVE = List.of(ClusterState.PENDING, ClusterState.DEPLOYING,
            ClusterState.RUNNING);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern HEAD_ADDR = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]{1,250}:[0-9]{1,5}");

    private final Store store;
    private final DeviceIndex index;
    private final WorkBoard board;
    private final Clock clock;
    private final Duration deployTimeout;
    private final MeterRegistry metrics;
    /** Every rank exit an agent reports, recorded or not: none come for ranks stopped with their cluster. */
    private final Counter exitReports;
    private final ReentrantLock[] keyStripes = new ReentrantLock[IDEMPOTENT_DEPLOY_STRIPES];

    ClusterService(Store store, DeviceIndex index, WorkBoard board, Clock clock, Duration deployTimeout,
            MeterRegistry metrics) {
        this.store = requireNonNull(store, "store is null");
        this.index = requireNonNull(index, "index is null");
        this.board = requireNonNull(board, "board is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deployTimeout = requireNonNull(deployTimeout, "deployTimeout is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.exitReports = metrics.counter("corral_rank_exit_reports");
        Arrays.setAll(keyStripes, i -> new ReentrantLock());
    }

    /** A validated request with what it will run and the currency it is paid in. */
    private record Order(ClusterRequest request, String name, String cmd, Map<String, String> env, Currency currency,
            OfferQuery where, Layout layout, String quoteId) {}

    /** Thrown inside a deploy transaction when a chosen device was taken meanwhile: roll back and place again. */
    private static final class DeviceTaken extends RuntimeException {
        DeviceTaken() {
            super(null, null, false, false);
        }
    }

    /** Prices a request for this customer and keeps the price for {@link #QUOTE_TTL}. */
    QuoteView quote(AccountId owner, QuoteRequest asked) {
        ClusterRequest request = request(asked.gpu(), Boolean.TRUE.equals(asked.cpu()), asked.gpusPerDevice(),
                asked.count(), asked.hours(), asked.region());
        OfferQuery where = where(asked.where());
        CustomerDiscount.Tier tier = customerTier(owner);
        PriceOracle.Price price = oraclePrice(request, where, tier);
        int available = index.pool().matching(new PlacementRequest(request, DeviceIndex.placeable(where),
                price.perDeviceHour().minor(), Layout.ANY, 0));
        Instant now = clock.instant();
        Quotes.Quote quote = new Quotes.Quote(Ids.random(QUOTE_PREFIX), owner, canonical(request, where),
                price.perDeviceHour().minor(), now, now.plus(QUOTE_TTL));
        store.db().transaction(c -> {
            store.quotes().insert(c, quote);
            return null;
        });
        return new QuoteView(quote.id(), quote.expiresAt(), request.kind().name(),
                request.gpuModel() == null ? null : request.gpuModel().name(), request.gpusPerDevice(), request.count(),
                request.hours(), Amount.of(price.perDeviceHour()), Amount.of(price.total(request)), available,
                new QuoteView.Breakdown(Amount.of(price.basePerDeviceHour()), price.utilisation(),
                        price.utilisationMultiplier(), price.tierMultiplier(), price.durationDiscountBasisPoints() / 100.0,
                        tier.name(), price.customerDiscountBasisPoints() / 100.0));
    }

    /** The price per device-hour a deploy pays: its quote's, if it names one that still holds, or the oracle's now. */
    private Money pricePerDeviceHour(AccountId owner, Order order) {
        ClusterRequest request = order.request();
        if (order.quoteId() == null) {
            return in(oraclePrice(request, order.where(), customerTier(owner)).perDeviceHour(), order.currency());
        }
        Quotes.Quote quote = store.db().transaction(c -> store.quotes().owned(c, owner, order.quoteId()))
                .orElseThrow(() -> ApiException.notFound("quote", order.quoteId()));
        if (clock.instant().isAfter(quote.expiresAt())) {
            throw ApiException.conflict("quote " + quote.id() + " expired at " + quote.expiresAt()
                    + ": ask for a new quote, or deploy without one at the price of the moment");
        }
        if (!quote.request().equals(canonical(request, order.where()))) {
            throw ApiException.badRequest("quote " + quote.id() + " priced another request (" + quote.request()
                    + "): quote this one first");
        }
        return in(Money.usd(quote.priceMicros()), order.currency());
    }

    private CustomerDiscount.Tier customerTier(AccountId owner) {
        return CustomerDiscount.tier(store.db().transaction(c -> store.customerHistory(c, owner)));
    }

    /** The oracle's price now: the model's utilisation is read from the index. */
    private PriceOracle.Price oraclePrice(ClusterRequest request, OfferQuery where, CustomerDiscount.Tier tier) {
        return PriceOracle.price(request, where, index.pool().utilisation(request.kind(), request.gpuModel()),
                tier.basisPoints());
    }

    /** A request in one text form, so a quote is honoured only for exactly what it priced. */
    private static String canonical(ClusterRequest request, OfferQuery where) {
        return request.kind() + " " + (request.gpuModel() == null ? "-" : request.gpuModel().name()) + " x"
                + request.gpusPerDevice() + ", " + request.count() + " devices, " + request.hours() + " h, region "
                + (request.region() == null ? "any" : request.region()) + ", where " + where.conditions().stream()
                        .map(k -> k.field().key() + k.op() + String.join(",", k.values())).sorted().toList();
    }

    /** Deploys, or with a repeated idempotency key returns the cluster the first call made. */
    ClusterView deploy(AccountId owner, DeployRequest deploy, String idempotencyKey) {
        Optional<String> key = AccountService.validIdempotencyKey(idempotencyKey);
        Order order = order(deploy);
        if (key.isEmpty()) {
            return deployOnce(owner, order, key);
        }
        // Retries of one deploy wait for each other: the index hands devices to the first, so a
        // twin running alongside would find none left and refuse before the first committed.
        ReentrantLock stripe = keyStripes[Math.floorMod((owner.value() + "\n" + key.get()).hashCode(), keyStripes.length)];
        stripe.lock();
        try {
            Optional<ClusterRow> existing = store.db().transaction(c -> store.clusters().byIdempotencyKey(c, owner, key.get()));
            if (existing.isPresent()) {
                return view(existing.get().id());
            }
            return deployOnce(owner, order, key);
        } finally {
            stripe.unlock();
        }
    }

    private ClusterView deployOnce(AccountId owner, Order order, Optional<String> key) {
        Money price = pricePerDeviceHour(owner, order);
        Money total = price.times(order.request().count()).times(order.request().hours());
        for (int attempt = 1; attempt <= PLACEMENT_ATTEMPTS_MAX; attempt++) {
            List<DevicePool.Chosen> chosen = choose(owner, order, price);
            List<DeviceId> devices = chosen.stream().map(DevicePool.Chosen::device).toList();
            ClusterId id;
            try {
                id = store.db().transaction(c -> place(c, owner, order, key.orElse(null), price, total, chosen));
            } catch (DeviceTaken retry) {
                // the index was behind the store for one of them: undo, re-read them, place again
                index.pool().release(devices);
                index.resync(devices);
                continue;
            } catch (RuntimeException refused) {
                index.pool().release(devices);
                throw refused;
            }
            board.signal(devices.getFirst());
            metrics.counter("corral_clusters_deployed").increment();
            return view(id);
        }
        throw ApiException.conflict("devices were taken by concurrent deploys " + PLACEMENT_ATTEMPTS_MAX
                + " times in a row; try again");
    }

    /** Claims the cluster's devices in the index, or says why it cannot. */
    private List<DevicePool.Chosen> choose(AccountId owner, Order order, Money price) {
        ClusterRequest request = order.request();
        long customerStakeIo = store.db().transaction(c -> store.stakes().activeTotalOn(c, owner))
                / EmissionSchedule.BASE_UNITS_PER_IO;
        DevicePool.Outcome outcome = index.pool().place(new PlacementRequest(request, DeviceIndex.placeable(order.where()),
                price.minor(), order.layout(), customerStakeIo), ThreadLocalRandom.current());
        return switch (outcome) {
            case DevicePool.Placed placed -> placed.devices();
            case DevicePool.TooFew tooFew -> throw ApiException.conflict("not enough idle devices: " + request.count()
                    + " wanted, " + tooFew.matching() + " match " + describe(request) + " at " + price
                    + " per device-hour");
            case DevicePool.Scarce scarce -> throw ApiException.conflict(describe(request) + " devices are scarce: the last "
                    + scarce.reserve() + " of " + scarce.matching() + " idle are kept for customers with at least "
                    + ScarcityPolicy.PRIORITY_STAKE_IO_MIN + " IO staked on them");
            case DevicePool.Contended contended -> throw ApiException.conflict("devices were taken by concurrent deploys "
                    + DevicePool.CLAIM_ROUNDS_MAX + " times in a row; try again");
        };
    }

    private ClusterId place(Connection c, AccountId owner, Order order, String key, Money price, Money total,
            List<DevicePool.Chosen> chosen) throws SQLException {
        ClusterRequest request = order.request();
        Instant now = clock.instant();
        ClusterId id = ClusterId.random();
        store.clusters().insert(c, new ClusterRow(id, owner, key, order.name() == null ? id.value() : order.name(),
                ClusterState.PENDING, null, RUNTIME_PROCESS, order.cmd(), order.env(), request.kind(),
                request.gpuModel() == null ? null : request.gpuModel().name(), request.gpusPerDevice(), request.count(),
                request.hours(), request.region(), order.where().text(), price, null, now, null, null, null));
        Currency currency = order.currency();
        String escrow = LedgerAccounts.escrow(id, currency);
        store.ledger().open(c, escrow, currency);
        try {
            store.ledger().apply(c, List.of(new Transfer("hold:" + id.value(), LedgerAccounts.user(owner, currency),
                    escrow, total, TransferKind.ESCROW_HOLD, id.value())), now);
        } catch (Ledger.InsufficientFundsException e) {
            Money balance = store.ledger().balance(c, LedgerAccounts.user(owner, currency), currency);
            throw new ApiException(402, "insufficient_funds", "this cluster costs " + total + " (" + price
                    + " per device-hour x " + request.count() + " devices x " + request.hours() + " h) but the balance is "
                    + balance + ": add funds first");
        }
        for (int rank = 0; rank < chosen.size(); rank++) {
            DevicePool.Chosen device = chosen.get(rank);
            if (!store.devices().reserve(c, device.device(), id)) {
                throw new DeviceTaken();
            }
            store.clusters().insertRank(c, new RankRow(id, rank, device.device(), device.owner(), RankState.ASSIGNED,
                    null, null, null));
        }
        return id;
    }

    /** The owner's clusters, newest first, each without its ranks' list (up to 200 of up to 10,000 ranks each). */
    List<ClusterView> list(AccountId owner) {
        List<ClusterRow> rows = store.db().transaction(c -> store.clusters().byOwner(c, owner, CLUSTERS_LIST_MAX));
        return rows.stream().map(row -> view(row.id(), false)).toList();
    }

    ClusterView get(AccountId owner, String clusterId, boolean withRanks) {
        return view(owned(owner, clusterId).id(), withRanks);
    }

    LogView logs(AccountId owner, String clusterId, String rankText, String limitText) {
        ClusterRow cluster = owned(owner, clusterId);
        Integer rank = rankText == null ? null : ApiException.integerParam("rank", rankText);
        int limit = limitText == null ? LOG_LINES_READ_MAX : ApiException.integerParam("limit", limitText);
        if (limit < 1 || limit > LOG_LINES_READ_MAX) {
            throw ApiException.badRequest("limit must be 1.." + LOG_LINES_READ_MAX);
        }
        List<Logs.Line> lines = store.db().transaction(c -> store.logs().read(c, cluster.id(), rank, limit + 1));
        boolean truncated = lines.size() > limit;
        return new LogView(cluster.id().value(), lines.stream().limit(limit)
                .map(line -> new LogView.LogLine(line.rank(), line.seq(), line.text())).toList(), truncated);
    }

    ClusterView extend(AccountId owner, String clusterId, Integer hours, String idempotencyKey) {
        ClusterRow cluster = owned(owner, clusterId);
        if (hours == null || hours < 1 || hours > ClusterRequest.HOURS_MAX) {
            throw ApiException.badRequest("hours must be 1.." + ClusterRequest.HOURS_MAX);
        }
        String key = "extend:" + cluster.id().value() + ":" + AccountService.requestKey(idempotencyKey);
        store.db().transaction(c -> {
            ClusterRow locked = store.clusters().lock(c, cluster.id()).orElseThrow();
            if (locked.state().isFinal()) {
                throw ApiException.conflict("cluster " + clusterId + " has ended (" + locked.state() + "); deploy a new one");
            }
            Money more = locked.pricePerDeviceHour().times(locked.count()).times(hours);
            int total = locked.hours() + hours;
            if (total > ClusterRequest.HOURS_MAX) {
                throw ApiException.badRequest("a cluster runs at most " + ClusterRequest.HOURS_MAX + " hours in all");
            }
            try {
                int applied = store.ledger().apply(c, List.of(new Transfer(key,
                        LedgerAccounts.user(owner, locked.currency()), LedgerAccounts.escrow(cluster.id(), locked.currency()),
                        more, TransferKind.ESCROW_HOLD, cluster.id().value())), clock.instant());
                if (applied == 1) {
                    Instant expires = locked.expiresAt() == null ? null : locked.expiresAt().plus(Duration.ofHours(hours));
                    store.clusters().extend(c, cluster.id(), total, expires);
                }
            } catch (Ledger.InsufficientFundsException e) {
                throw new ApiException(402, "insufficient_funds", hours + " more hours cost " + more
                        + " but the balance is short: add funds first");
            }
            return null;
        });
        return view(cluster.id());
    }

    ClusterView terminate(AccountId owner, String clusterId) {
        ClusterRow cluster = owned(owner, clusterId);
        boolean ended = end(cluster.id(), ClusterState.TERMINATED, "terminated by its owner");
        if (!ended) {
            ClusterView view = view(cluster.id());
            throw ApiException.conflict("cluster " + clusterId + " has already ended (" + view.state() + ")");
        }
        return view(cluster.id());
    }

    // ---- agent side -------------------------------------------------------------------------------

    /** Everything the device must run now, and a version that changes when that does. */
    WorkResponse work(DeviceId device) {
        return store.db().transaction(c -> {
            List<Assignment> assignments = new ArrayList<>();
            for (RankRow rank : store.clusters().liveRanksOf(c, device)) {
                ClusterRow cluster = store.clusters().byId(c, rank.cluster()).orElseThrow();
                if (rank.rank() > 0 && cluster.headAddr() == null) {
                    continue;
                }
                List<String> peers = cluster.count() > PEERS_LISTED_MAX ? List.of()
                        : store.clusters().hostsInRankOrder(c, cluster.id());
                assignments.add(new Assignment(cluster.id().value(), rank.rank(), cluster.count(), cluster.type(),
                        cluster.cmd(), cluster.env(), cluster.headAddr(), peers, rank.state() == RankState.STARTED));
            }
            List<ChallengeTask> challenges = store.challenges().issuedTo(c, device).stream()
                    .map(k -> new ChallengeTask(k.id(), k.seed(), k.size(), k.deadline())).toList();
            // Whether a rank started is left out: the agent that reported the start knows it, and
            // its next poll should wait rather than come straight back for news it sent itself. An
            // agent that restarted polls knowing no version and gets it all.
            String fingerprint = assignments.stream()
                    .map(a -> a.clusterId() + "/" + a.rank() + "/" + a.headAddr())
                    .reduce("", (a, b) -> a + ";" + b)
                    + challenges.stream().map(ChallengeTask::challengeId).reduce("", (a, b) -> a + ";" + b);
            String version = Sha256.hex(fingerprint.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
            return new WorkResponse(version, assignments, challenges);
        });
    }

    void rankStarted(DeviceId device, String clusterId, RankStarted started) {
        requireHeadAddr(started.rank(), started.headAddr());
        ClusterId id = clusterOfDevice(device, clusterId, started.rank());
        ClusterState ended = applyStart(id, started.rank(), started.headAddr());
        if (ended != null) {
            throw ApiException.conflict("cluster " + clusterId + " has ended (" + ended + "); stop the rank");
        }
    }

    /**
     * The start reports a work poll carries. All are checked before any is applied, so a bad one
     * refuses the poll and changes nothing; one for a cluster that has ended is passed over, as
     * the poll's answer tells the agent to stop that rank.
     */
    void ranksStarted(DeviceId device, List<WorkPoll.StartedRank> reports) {
        if (reports.size() > WorkPoll.STARTED_MAX) {
            throw ApiException.badRequest("a work poll carries at most " + WorkPoll.STARTED_MAX + " start reports");
        }
        List<ClusterId> clusters = new ArrayList<>(reports.size());
        for (WorkPoll.StartedRank report : reports) {
            requireHeadAddr(report.rank(), report.headAddr());
            clusters.add(clusterOfDevice(device, report.clusterId(), report.rank()));
        }
        for (int i = 0; i < reports.size(); i++) {
            applyStart(clusters.get(i), reports.get(i).rank(), reports.get(i).headAddr());
        }
    }

    private static void requireHeadAddr(int rank, String headAddr) {
        if (rank == 0 && (headAddr == null || !HEAD_ADDR.matcher(headAddr).matches())) {
            throw ApiException.badRequest("rank 0 must report its headAddr as host:port");
        }
    }

    /**
     * Records a rank's start once (a repeated report changes nothing); rank 0's sends the others
     * out, the last one makes the cluster RUNNING. Returns the cluster's final state if it has
     * ended, else null.
     */
    private ClusterState applyStart(ClusterId id, int rankNo, String headAddr) {
        record Outcome(ClusterState ended, List<DeviceId> wake) {}
        Outcome outcome = store.db().transaction(c -> {
            // The cluster row first, as every transaction that writes a cluster and its ranks takes them
            // (then its devices): a start report that wrote its rank and then waited for the cluster's
            // ranks_waiting counter deadlocked with a settlement holding the cluster and ending its ranks.
            ClusterRow cluster = store.clusters().lock(c, id).orElseThrow();
            if (cluster.state().isFinal()) {
                return new Outcome(cluster.state(), List.of());
            }
            Instant now = clock.instant();
            if (!store.clusters().rankStarted(c, id, rankNo, now)) {
                return new Outcome(null, List.of());
            }
            List<DeviceId> others = new ArrayList<>();
            if (rankNo == 0) {
                store.clusters().setHeadAddr(c, id, headAddr);
                store.clusters().transition(c, id, List.of(ClusterState.PENDING), ClusterState.DEPLOYING, null, now);
                for (RankRow rank : store.clusters().ranks(c, id)) {
                    if (rank.rank() > 0) {
                        others.add(rank.device());
                    }
                }
            }
            boolean allStarted = store.clusters().rankLeftWaiting(c, id) == 0;
            if (allStarted && store.clusters().transition(c, id, List.of(ClusterState.DEPLOYING), ClusterState.RUNNING,
                    null, now)) {
                store.clusters().markRunning(c, id, now, now.plus(Duration.ofHours(cluster.hours())));
            }
            return new Outcome(null, others);
        });
        outcome.wake().forEach(board::signal);
        return outcome.ended();
    }

    void rankExited(DeviceId device, String clusterId, RankExited exited) {
        ClusterId id = clusterOfDevice(device, clusterId, exited.rank());
        exitReports.increment();
        Optional<ClusterState> ending = store.db().transaction(c -> {
            ClusterRow cluster = store.clusters().lock(c, id).orElseThrow();
            RankState before = store.clusters().rank(c, id, exited.rank()).orElseThrow().state();
            if (!store.clusters().rankExited(c, id, exited.rank(), exited.exitCode(), clock.instant())
                    || cluster.state().isFinal()) {
                return Optional.<ClusterState>empty();
            }
            if (before == RankState.ASSIGNED) {
                store.clusters().rankLeftWaiting(c, id);
            }
            if (exited.exitCode() != 0 || exited.error() != null) {
                return Optional.of(ClusterState.FAILED);
            }
            boolean allDone = store.clusters().rankExitedCleanly(c, id) == 0;
            return allDone ? Optional.of(ClusterState.COMPLETED) : Optional.<ClusterState>empty();
        });
        ending.ifPresent(state -> end(id, state, state != ClusterState.FAILED ? null
                : exited.error() != null ? "rank " + exited.rank() + " failed: " + exited.error()
                : "rank " + exited.rank() + " exited with code " + exited.exitCode()));
    }

    void appendLogs(DeviceId device, String clusterId, LogBatch batch) {
        if (batch.lines() == null || batch.lines().size() > LOG_BATCH_LINES_MAX || batch.firstSeq() < 0) {
            throw ApiException.badRequest("a log batch holds 1.." + LOG_BATCH_LINES_MAX + " lines from a seq >= 0");
        }
        ClusterId id = clusterOfDevice(device, clusterId, batch.rank());
        store.db().transaction(c -> store.logs().append(c, id, batch.rank(), batch.firstSeq(), batch.lines()));
    }

    // ---- timeouts ---------------------------------------------------------------------------------

    /** Ends clusters whose paid time ran out or whose deployment took too long, then those that lost a device. */
    void sweep(List<DeviceRow> wentOffline) {
        Instant now = clock.instant();
        for (ClusterRow cluster : store.db().transaction(c -> store.clusters().active(c))) {
            if (cluster.state() == ClusterState.RUNNING && !now.isBefore(cluster.expiresAt())) {
                end(cluster.id(), ClusterState.EXPIRED, "its paid time of " + cluster.hours() + " h ran out");
            } else if (cluster.state() != ClusterState.RUNNING && !now.isBefore(cluster.createdAt().plus(deployTimeout))) {
                end(cluster.id(), ClusterState.FAILED, "deployment timed out after " + deployTimeout.toSeconds()
                        + " s: not every rank started");
            }
        }
        for (DeviceRow device : wentOffline) {
            if (device.cluster() != null && !replace(device) && markLost(device)) {
                end(device.cluster(), ClusterState.FAILED, "device " + device.id() + " stopped responding");
            }
        }
    }

    /**
     * Moves the rank of a device that dropped before starting it to another idle device that
     * meets the cluster's request, at the cluster's price; true if it did. A rank that had
     * started is not moved: its work is lost with its device.
     */
    private boolean replace(DeviceRow lost) {
        ClusterId id = lost.cluster();
        ClusterRow cluster = store.db().transaction(c -> store.clusters().byId(c, id)).orElseThrow();
        Optional<RankRow> waiting = store.db().transaction(c -> store.clusters().ranks(c, id)).stream()
                .filter(r -> r.device().equals(lost.id()) && r.state() == RankState.ASSIGNED).findFirst();
        if (cluster.state() == ClusterState.RUNNING || cluster.state().isFinal() || waiting.isEmpty()) {
            return false;
        }
        ClusterRequest one = new ClusterRequest(cluster.kind(), cluster.gpuModel() == null ? null
                : new GpuModel(cluster.gpuModel()), cluster.gpusPerDevice(), 1, cluster.hours(), cluster.region());
        long customerStakeIo = store.db().transaction(c -> store.stakes().activeTotalOn(c, cluster.owner()))
                / EmissionSchedule.BASE_UNITS_PER_IO;
        if (!(index.pool().place(new PlacementRequest(one, DeviceIndex.placeable(OfferQuery.parse(cluster.conditions())),
                cluster.pricePerDeviceHour().minor(), Layout.ANY, customerStakeIo), ThreadLocalRandom.current())
                instanceof DevicePool.Placed placed)) {
            return false;
        }
        DevicePool.Chosen fresh = placed.devices().getFirst();
        int rank = waiting.get().rank();
        boolean moved;
        try {
            moved = store.db().transaction(c -> {
                Instant now = clock.instant();
                ClusterRow locked = store.clusters().lock(c, id).orElseThrow();
                if (locked.state() == ClusterState.RUNNING || locked.state().isFinal()
                        || !store.devices().reserve(c, fresh.device(), id)
                        || !store.clusters().moveWaitingRank(c, id, rank, lost.id(), fresh.device(), fresh.owner())) {
                    throw new DeviceTaken();
                }
                store.devices().releaseOne(c, lost.id());
                store.devices().recordStanding(c, lost.id(),
                        s -> Reputation.record(s, Reputation.Event.JOB_ABANDONED, now));
                return true;
            });
        } catch (DeviceTaken notMoved) {
            moved = false;
        }
        if (!moved) {
            index.pool().release(List.of(fresh.device()));
            index.resync(List.of(fresh.device()));
            return false;
        }
        index.pool().release(List.of(lost.id()));
        index.refresh(List.of(lost.id(), fresh.device()));
        board.signal(fresh.device());
        metrics.counter("corral_ranks_replaced").increment();
        return true;
    }

    /** Marks the device's live ranks lost, if its cluster is still active; true if any was. */
    private boolean markLost(DeviceRow device) {
        return store.db().transaction(c -> {
            ClusterRow cluster = store.clusters().lock(c, device.cluster()).orElseThrow();
            if (cluster.state().isFinal()) {
                return false;
            }
            boolean any = false;
            for (RankRow rank : store.clusters().ranks(c, device.cluster())) {
                if (rank.device().equals(device.id())
                        && (rank.state() == RankState.ASSIGNED || rank.state() == RankState.STARTED)) {
                    store.clusters().rankLost(c, device.cluster(), rank.rank(), device.lastSeenAt());
                    any = true;
                }
            }
            return any;
        });
    }

    /**
     * Ends an active cluster: state, devices released, escrow settled, all in one transaction.
     * False if it had ended already, so racing callers settle once.
     */
    boolean end(ClusterId id, ClusterState state, String reason) {
        record Ended(List<DeviceId> devices, Map<DeviceId, Reputation.Standing> standings, Instant at) {}
        Ended ended = store.db().transaction(c -> {
            Instant now = clock.instant();
            ClusterRow cluster = store.clusters().lock(c, id).orElseThrow();
            if (!store.clusters().transition(c, id, ACTIVE, state, reason, now)) {
                return new Ended(List.of(), Map.of(), now);
            }
            store.clusters().endLiveRanks(c, id, now);
            List<RankRow> ranks = store.clusters().ranks(c, id);
            long paidSeconds = cluster.hours() * Settlement.SECONDS_PER_HOUR;
            List<Settlement.Service> services = ranks.stream().map(rank -> new Settlement.Service(rank.device(),
                    rank.supplier(), ServedTime.seconds(cluster.runningAt(),
                            rank.state() == RankState.LOST ? rank.endedAt() : now, paidSeconds))).toList();
            String escrow = LedgerAccounts.escrow(id, cluster.currency());
            Money held = store.ledger().balance(c, escrow, cluster.currency());
            Settlement.Plan plan = Settlement.plan(held, cluster.pricePerDeviceHour(), services, NetworkFee.BASIS_POINTS);
            Map<DeviceId, Integer> ioShares = store.clusters().rewardSplitsOfDevices(c, id);
            long price = store.oracle().current(c).map(Oracle.Price::microsPerIo).orElse(BuyAndBurn.NO_PRICE);
            long inventory = store.ledger().balance(c, LedgerAccounts.marketMaker(Currency.IO), Currency.IO).minor();
            store.ledger().apply(c, plan.transfers(id, cluster.owner(), ioShares, price, inventory), now);
            Map<AccountId, Referrals.Referral> supplierReferrals = new HashMap<>();
            store.clusters().referralsOfSuppliers(c, id).forEach((supplier, row) ->
                    supplierReferrals.put(supplier, new Referrals.Referral(row.referredBy(), row.createdAt())));
            store.ledger().apply(c, Referrals.transfers(plan, id, referral(c, cluster.owner()), supplierReferrals, now),
                    now);
            Map<String, Long> points = new HashMap<>();
            for (Settlement.Payout payout : plan.payouts()) {
                points.merge(LedgerAccounts.user(payout.supplier(), cluster.currency()), payout.net().minor(), Long::sum);
            }
            store.ledger().recordComputePoints(c, points, now);
            Money left = store.ledger().balance(c, escrow, cluster.currency());
            if (left.minor() != 0) {
                throw new IllegalStateException("escrow of " + id + " holds " + left + " after settlement");
            }
            boolean deployTimedOut = cluster.runningAt() == null && !now.isBefore(cluster.createdAt().plus(deployTimeout));
            Map<DeviceId, Reputation.Standing> standings = store.devices().standingsOfCluster(c, id);
            Map<DeviceId, Reputation.Standing> changed = new HashMap<>();
            for (RankRow rank : ranks) {
                Optional<Reputation.Event> event = jobEvent(state, rank.state(), deployTimedOut);
                event.ifPresent(e -> changed.put(rank.device(),
                        Reputation.record(changed.getOrDefault(rank.device(), standings.get(rank.device())), e, now)));
            }
            // The device rows last: heartbeats and challenges write them too and wait for these locks,
            // which are then held for the commit only, not for the ledger's work above.
            store.devices().release(c, id);
            store.devices().setStandings(c, changed);
            return new Ended(ranks.stream().map(RankRow::device).distinct().toList(), changed, now);
        });
        index.pool().release(ended.devices());
        ended.standings().forEach((device, standing) ->
                index.pool().setReliability(device, Reputation.score(standing, ended.at())));
        ended.devices().forEach(board::signal);
        if (!ended.devices().isEmpty()) {
            metrics.counter("corral_clusters_ended", "state", state.name()).increment();
        }
        return !ended.devices().isEmpty();
    }

    /**
     * What a finished job says of a device: it abandoned the job if it was lost, or if it had not
     * started its rank when the deployment timed out; it completed it if the cluster did not
     * fail. A failure of the customer's program, or a rank left waiting because another failed,
     * says nothing of the device.
     */
    static Optional<Reputation.Event> jobEvent(ClusterState end, RankState rank, boolean deployTimedOut) {
        if (rank == RankState.LOST || rank == RankState.ASSIGNED && deployTimedOut) {
            return Optional.of(Reputation.Event.JOB_ABANDONED);
        }
        return end == ClusterState.FAILED || rank == RankState.ASSIGNED ? Optional.empty()
                : Optional.of(Reputation.Event.JOB_COMPLETED);
    }

    // ---- views and validation -----------------------------------------------------------------------

    ClusterView view(ClusterId id) {
        return view(id, true);
    }

    private ClusterView view(ClusterId id, boolean withRanks) {
        return store.db().transaction(c -> {
            ClusterRow k = store.clusters().byId(c, id).orElseThrow();
            Map<TransferKind, Money> sums = store.ledger().clusterSums(c, id.value(), k.currency());
            Money charged = sums.get(TransferKind.SUPPLIER_PAYMENT).plus(sums.get(TransferKind.BUYBACK))
                    .plus(sums.get(TransferKind.NETWORK_FEE));
            List<ClusterView.RankView> ranks = !withRanks ? List.of() : store.clusters().ranks(c, id).stream()
                    .map(r -> new ClusterView.RankView(r.rank(), r.device().value(), r.state().name(), r.exitCode(),
                            r.startedAt(), r.endedAt())).toList();
            long started = withRanks ? ranks.stream().filter(r -> r.startedAt() != null).count()
                    : store.clusters().ranksStarted(c, id);
            return new ClusterView(id.value(), k.name(), k.state().name(), k.reason(), k.type(), k.cmd(), k.kind().name(),
                    k.gpuModel(), k.gpusPerDevice(), k.count(), k.hours(), k.region(), Amount.of(k.pricePerDeviceHour()),
                    Amount.of(sums.get(TransferKind.ESCROW_HOLD)), Amount.of(charged),
                    Amount.of(sums.get(TransferKind.REFUND)), k.createdAt(), k.runningAt(), k.expiresAt(), k.endedAt(),
                    Math.toIntExact(started), ranks);
        });
    }

    private ClusterRow owned(AccountId owner, String clusterId) {
        if (!Ids.looksLike(clusterId, ClusterId.PREFIX)) {
            throw ApiException.notFound("cluster", String.valueOf(clusterId));
        }
        return store.db().transaction(c -> store.clusters().owned(c, owner, new ClusterId(clusterId)))
                .orElseThrow(() -> ApiException.notFound("cluster", clusterId));
    }

    /** The cluster, if this device runs this rank of it: a device cannot report on another device's rank. */
    private ClusterId clusterOfDevice(DeviceId device, String clusterId, int rank) {
        if (!Ids.looksLike(clusterId, ClusterId.PREFIX)) {
            throw ApiException.notFound("cluster", String.valueOf(clusterId));
        }
        ClusterId id = new ClusterId(clusterId);
        boolean mine = store.db().transaction(c -> store.clusters().rank(c, id, rank)
                .map(r -> r.device().equals(device)).orElse(false));
        if (!mine) {
            throw ApiException.notFound("rank " + rank + " of cluster", clusterId);
        }
        return id;
    }

    private Optional<Referrals.Referral> referral(Connection c, AccountId account) throws SQLException {
        return store.accounts().byId(c, account).filter(row -> row.referredBy() != null)
                .map(row -> new Referrals.Referral(row.referredBy(), row.createdAt()));
    }

    private static Order order(DeployRequest deploy) {
        if (deploy.type() != null && !RUNTIME_PROCESS.equals(deploy.type())) {
            throw ApiException.badRequest("type must be '" + RUNTIME_PROCESS + "' (containers come later)");
        }
        if (deploy.name() != null && !CLUSTER_NAME.matcher(deploy.name()).matches()) {
            throw ApiException.badRequest("name must be 1-64 letters, digits, '_', '.' or '-'");
        }
        if (deploy.cmd() == null || deploy.cmd().isBlank() || deploy.cmd().length() > CMD_LENGTH_MAX) {
            throw ApiException.badRequest("cmd must be 1.." + CMD_LENGTH_MAX + " characters");
        }
        Map<String, String> env = deploy.env() == null ? Map.of() : deploy.env();
        if (env.size() > ENV_ENTRIES_MAX) {
            throw ApiException.badRequest("at most " + ENV_ENTRIES_MAX + " environment variables");
        }
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (!ENV_NAME.matcher(entry.getKey()).matches() || entry.getKey().startsWith("CORRAL_")) {
                throw ApiException.badRequest("environment variable name '" + entry.getKey()
                        + "' is invalid or reserved (CORRAL_ is ours)");
            }
            if (entry.getValue() == null || entry.getValue().length() > ENV_VALUE_LENGTH_MAX) {
                throw ApiException.badRequest("environment variable " + entry.getKey() + " must have a value of at most "
                        + ENV_VALUE_LENGTH_MAX + " characters");
            }
        }
        ClusterRequest request = request(deploy.gpu(), Boolean.TRUE.equals(deploy.cpu()), deploy.gpusPerDevice(),
                deploy.count(), deploy.hours(), deploy.region());
        Currency currency = deploy.pay() == null ? Currency.USD : switch (deploy.pay()) {
            case "USD" -> Currency.USD;
            case "IOSD" -> Currency.IOSD;
            default -> throw ApiException.badRequest("pay must be USD or IOSD, not '" + deploy.pay() + "'");
        };
        Layout layout = deploy.layout() == null ? Layout.ANY : switch (deploy.layout().toLowerCase(Locale.ROOT)) {
            case "any" -> Layout.ANY;
            case "pack" -> Layout.PACK;
            case "spread" -> Layout.SPREAD;
            default -> throw ApiException.badRequest("layout must be any, pack or spread, not '" + deploy.layout() + "'");
        };
        if (deploy.quoteId() != null && !Ids.looksLike(deploy.quoteId(), QUOTE_PREFIX)) {
            throw ApiException.notFound("quote", deploy.quoteId());
        }
        return new Order(request, deploy.name(), deploy.cmd(), new LinkedHashMap<>(env), currency, where(deploy.where()),
                layout, deploy.quoteId());
    }

    private static OfferQuery where(String text) {
        try {
            return OfferQuery.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("where: " + e.getMessage());
        }
    }

    /** A USD price in the currency a cluster is paid in; IOSD is pegged 1:1 with the same decimals. */
    private static Money in(Money usd, Currency currency) {
        return new Money(usd.minor(), currency);
    }

    private static ClusterRequest request(String gpu, boolean cpu, Integer gpusPerDevice, Integer count, Integer hours,
            String region) {
        if ((gpu == null) == !cpu) {
            throw ApiException.badRequest("ask for either a GPU model (gpu) or a CPU device (cpu: true)");
        }
        if (count == null || hours == null) {
            throw ApiException.badRequest("count and hours are required");
        }
        try {
            return cpu
                    ? new ClusterRequest(DeviceKind.CPU, null, 0, count, hours, region)
                    : new ClusterRequest(DeviceKind.GPU, GpuModel.parse(gpu), gpusPerDevice == null ? 1 : gpusPerDevice,
                            count, hours, region);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String describe(ClusterRequest request) {
        String what = request.kind() == DeviceKind.CPU ? "CPU"
                : request.gpusPerDevice() + "x " + request.gpuModel();
        return what + (request.region() == null ? "" : " in " + request.region());
    }
}
