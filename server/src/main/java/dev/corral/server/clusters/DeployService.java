package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.RankState;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.DevicePool;
import dev.corral.scheduler.PoolDevice;
import dev.corral.scheduler.ScarcityPolicy;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.metrics.Meters;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Ledger;
import dev.corral.store.RankRow;
import dev.corral.store.Stakes;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deploys clusters: claims devices in the index, then holds the escrow and reserves those
 * devices in the store in one transaction; a device the store says was taken meanwhile sends
 * the placement round again. A repeated idempotency key returns the cluster the first call made.
 */
public final class DeployService {
    static final int PLACEMENT_ATTEMPTS_MAX = 3;
    /** Locks that serialise deploys sharing an idempotency key (hashed onto this many). */
    static final int IDEMPOTENT_DEPLOY_STRIPES = 256;

    private final Database db;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Stakes stakes;
    private final QuoteService quotes;
    private final ClusterViews views;
    private final DeviceState devices;
    private final Clock clock;
    private final SecretSeal seal;
    private final MeterRegistry metrics;
    private final ReentrantLock[] keyStripes = new ReentrantLock[IDEMPOTENT_DEPLOY_STRIPES];

    public DeployService(Database db, Clusters clusters, Ledger ledger, Stakes stakes, QuoteService quotes,
            ClusterViews views, DeviceState devices, SecretSeal seal, Clock clock, MeterRegistry metrics) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.quotes = requireNonNull(quotes, "quotes is null");
        this.views = requireNonNull(views, "views is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.seal = requireNonNull(seal, "seal is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        Arrays.setAll(keyStripes, i -> new ReentrantLock());
    }

    /** Thrown inside a deploy transaction when a chosen device was taken meanwhile: roll back and place again. */
    static final class DeviceTaken extends RuntimeException {
        DeviceTaken() {
            super(null, null, false, false);
        }
    }

    /** Deploys, or with a repeated idempotency key returns the cluster the first call made. */
    public ClusterView deploy(AccountId owner, DeployRequest deploy, String idempotencyKey) {
        Optional<String> key = AccountService.validIdempotencyKey(idempotencyKey);
        boolean all = Boolean.TRUE.equals(deploy.countAll());
        if (all && deploy.count() != null) {
            throw Refusal.invalid("give count or countAll, not both");
        }
        if (all && deploy.quoteId() != null) {
            throw Refusal.invalid("a quote prices a count of devices: deploy countAll without one, at the price of "
                    + "the moment");
        }
        // A deploy for all is checked as one for a device; it is sized when placed.
        DeployOrder order = DeployOrder.of(all ? deploy.withCount(1) : deploy);
        if (key.isEmpty()) {
            return deployOnce(owner, order, all, key);
        }
        // Retries of one deploy wait for each other: the index hands devices to the first, so a
        // twin running alongside would find none left and refuse before the first committed.
        ReentrantLock stripe = keyStripes[Math.floorMod((owner.value() + "\n" + key.get()).hashCode(), keyStripes.length)];
        stripe.lock();
        try {
            Optional<ClusterRow> existing = db.transaction(c -> clusters.byIdempotencyKey(c, owner, key.get()));
            if (existing.isPresent()) {
                return views.view(existing.get().id());
            }
            return deployOnce(owner, order, all, key);
        } finally {
            stripe.unlock();
        }
    }

    /**
     * Places the cluster and holds its escrow; a deploy for {@code all} takes every idle device
     * that matches at that moment, and is sized again if some were taken meanwhile.
     */
    private ClusterView deployOnce(AccountId owner, DeployOrder asked, boolean all, Optional<String> key) {
        // A device-hour's price does not depend on how many devices are asked for.
        Money price = quotes.pricePerDeviceHour(owner, asked);
        for (int attempt = 1; attempt <= PLACEMENT_ATTEMPTS_MAX; attempt++) {
            DeployOrder order = all ? asked.withCount(allMatching(owner, asked, price)) : asked;
            Money total = price.times(order.request().count()).times(order.request().hours());
            List<DevicePool.Chosen> chosen;
            try {
                chosen = choose(owner, order, price);
            } catch (Refusal taken) {
                if (all && attempt < PLACEMENT_ATTEMPTS_MAX) {
                    continue;
                }
                throw taken;
            }
            List<DeviceId> claimed = chosen.stream().map(DevicePool.Chosen::device).toList();
            ClusterId id;
            try {
                id = devices.transaction((c, writes) -> place(c, writes, owner, order, key.orElse(null), price, total,
                        chosen));
            } catch (DeviceTaken retry) {
                // the index was behind the store for one of them: undo, re-read them, place again
                devices.unclaim(claimed, true);
                continue;
            } catch (RuntimeException refused) {
                devices.unclaim(claimed, false);
                throw refused;
            }
            Meters.clustersDeployed(metrics).increment();
            return views.view(id);
        }
        throw Refusal.conflict("devices were taken by concurrent deploys " + PLACEMENT_ATTEMPTS_MAX
                + " times in a row; try again");
    }

    /**
     * How many devices a deploy for all takes: every idle one that matches it now, less those
     * kept back for staked customers (unless this one is), at most {@link DeployRequest#COUNT_MAX}.
     */
    private int allMatching(AccountId owner, DeployOrder order, Money price) {
        long stakeIo = Placements.customerStakeIo(db, stakes, owner);
        int matching = devices.matching(Placements.of(order.request(), order.placement(), price, order.layout(),
                stakeIo, PoolDevice.runtimeBit(order.type())));
        int usable = stakeIo >= ScarcityPolicy.PRIORITY_STAKE_IO_MIN ? matching
                : matching - ScarcityPolicy.reserve(matching);
        if (usable < 1) {
            throw Refusal.conflict("no idle device matches " + DeployOrder.describe(order.request()) + " at " + price
                    + " per device-hour" + (matching > usable ? " (the last " + matching + " are kept for customers "
                            + "with at least " + ScarcityPolicy.PRIORITY_STAKE_IO_MIN + " IO staked on them)" : ""));
        }
        return Math.min(usable, DeployRequest.COUNT_MAX);
    }

    /** Claims the cluster's devices in the index, or says why it cannot. */
    private List<DevicePool.Chosen> choose(AccountId owner, DeployOrder order, Money price) {
        ClusterRequest request = order.request();
        DevicePool.Outcome outcome = devices.place(Placements.of(request, order.placement(), price, order.layout(),
                Placements.customerStakeIo(db, stakes, owner), PoolDevice.runtimeBit(order.type())),
                ThreadLocalRandom.current());
        Meters.placements(metrics, switch (outcome) {
            case DevicePool.Placed placed -> "placed";
            case DevicePool.TooFew tooFew -> "too_few";
            case DevicePool.Scarce scarce -> "scarce";
            case DevicePool.Contended contended -> "contended";
        }).increment();
        return switch (outcome) {
            case DevicePool.Placed placed -> placed.devices();
            case DevicePool.TooFew tooFew -> throw Refusal.conflict("not enough idle devices: " + request.count()
                    + " wanted, " + tooFew.matching() + " match " + DeployOrder.describe(request) + " at " + price
                    + " per device-hour");
            case DevicePool.Scarce scarce -> throw Refusal.conflict(DeployOrder.describe(request)
                    + " devices are scarce: the last " + scarce.reserve() + " of " + scarce.matching()
                    + " idle are kept for customers with at least " + ScarcityPolicy.PRIORITY_STAKE_IO_MIN
                    + " IO staked on them");
            case DevicePool.Contended contended -> throw Refusal.conflict("devices were taken by concurrent deploys "
                    + DevicePool.CLAIM_ROUNDS_MAX + " times in a row; try again");
        };
    }

    /** The cluster, its escrow hold and its ranks on the chosen devices, in the caller's transaction. */
    private ClusterId place(Connection c, DeviceState.Writes writes, AccountId owner, DeployOrder order, String key,
            Money price, Money total, List<DevicePool.Chosen> chosen) throws SQLException {
        ClusterRequest request = order.request();
        Instant now = clock.instant();
        ClusterId id = ClusterId.random();
        clusters.insert(c, new ClusterRow(id, owner, key, order.name() == null ? id.value() : order.name(),
                ClusterState.PENDING, null, order.type(), order.cmd(), order.env(), seal.seal(order.container()), request.kind(),
                request.gpuModel() == null ? null : request.gpuModel().name(), request.gpusPerDevice(), request.count(),
                request.hours(), request.region(), order.placement().text(), price, null, now, null, null, null,
                order.framework(), order.onDeviceLoss(), order.restartMax(), 0, null));
        Currency currency = order.currency();
        String escrow = LedgerAccounts.escrow(id, currency);
        ledger.open(c, escrow, currency);
        try {
            ledger.apply(c, List.of(new Transfer("hold:" + id.value(), LedgerAccounts.user(owner, currency),
                    escrow, total, TransferKind.ESCROW_HOLD, id.value())), now);
        } catch (Ledger.InsufficientFundsException e) {
            Money balance = ledger.balance(c, LedgerAccounts.user(owner, currency), currency);
            throw Refusal.cannotPay("this cluster costs " + total + " (" + price + " per device-hour x "
                    + request.count() + " devices x " + request.hours() + " h)", balance);
        }
        for (int rank = 0; rank < chosen.size(); rank++) {
            DevicePool.Chosen device = chosen.get(rank);
            if (!writes.reserve(device.device(), id)) {
                throw new DeviceTaken();
            }
            clusters.insertRank(c, new RankRow(id, rank, device.device(), device.owner(), RankState.ASSIGNED,
                    null, null, null));
        }
        // Rank 0 starts first and reports the head's address; the others learn their work from that report.
        writes.wake(chosen.getFirst().device());
        return id;
    }
}
