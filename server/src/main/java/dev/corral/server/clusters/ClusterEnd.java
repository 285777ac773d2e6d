package dev.corral.server.clusters;

import dev.corral.server.metrics.Meters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.ClusterState;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.EndReason;
import dev.corral.core.Money;
import dev.corral.core.RankState;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.BuyAndBurn;
import dev.corral.ledger.ClusterClose;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.ledger.Referrals;
import dev.corral.proofs.Reputation;
import dev.corral.server.devices.DeviceState;
import dev.corral.store.Accounts;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Devices;
import dev.corral.store.Ledger;
import dev.corral.store.Oracle;
import dev.corral.store.RankRow;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ends an active cluster in one transaction: its state, its live ranks, the settlement of its
 * escrow ({@link ClusterClose}), the reputation the job gives its devices, and their release.
 */
public final class ClusterEnd {
    private static final List<ClusterState> ACTIVE = List.of(ClusterState.PENDING, ClusterState.DEPLOYING,
            ClusterState.RUNNING);

    private final Clusters clusters;
    private final Ledger ledger;
    private final Oracle oracle;
    private final Accounts accounts;
    private final Devices deviceRows;
    private final DeviceState devices;
    private final Clock clock;
    private final Duration deployTimeout;
    private final MeterRegistry metrics;

    public ClusterEnd(Clusters clusters, Ledger ledger, Oracle oracle, Accounts accounts, Devices deviceRows,
            DeviceState devices, Clock clock, Duration deployTimeout, MeterRegistry metrics) {
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.oracle = requireNonNull(oracle, "oracle is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deployTimeout = requireNonNull(deployTimeout, "deployTimeout is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** How long a deployment may take before its cluster fails. */
    Duration deployTimeout() {
        return deployTimeout;
    }

    /**
     * Ends an active cluster, for a reason of this type: state, devices released, escrow settled,
     * all in one transaction.
     * False if it had ended already, so racing callers settle once.
     */
    public boolean end(ClusterId id, ClusterState state, EndReason code, String reason) {
        boolean ended = devices.transaction((c, writes) -> {
            Instant now = clock.instant();
            ClusterRow cluster = clusters.lock(c, id).orElseThrow();
            if (!clusters.transition(c, id, ACTIVE, state, reason, now)) {
                return false;
            }
            clusters.setReasonCode(c, id, code);
            clusters.endLiveRanks(c, id, code, now);
            List<RankRow> ranks = clusters.ranks(c, id);
            settle(c, cluster, ranks, now);
            boolean deployTimedOut = cluster.runningAt() == null && !now.isBefore(cluster.createdAt().plus(deployTimeout));
            Map<DeviceId, Reputation.Standing> standings = deviceRows.standingsOfCluster(c, id);
            Map<DeviceId, Reputation.Standing> changed = new HashMap<>();
            for (RankRow rank : ranks) {
                Optional<Reputation.Event> event = jobEvent(state, rank.state(), deployTimedOut);
                event.ifPresent(e -> changed.put(rank.device(),
                        Reputation.record(changed.getOrDefault(rank.device(), standings.get(rank.device())), e, now)));
            }
            // The device rows last: heartbeats and challenges write them too and wait for these locks,
            // which are then held for the commit only, not for the ledger's work above.
            // A lost rank's device was let go when it was lost, and may serve another cluster by now.
            writes.releaseCluster(id, ranks.stream().filter(rank -> rank.state() != RankState.LOST)
                    .map(RankRow::device).distinct().toList(), changed, now);
            return !ranks.isEmpty();
        });
        if (ended) {
            Meters.clustersEnded(metrics, state).increment();
        }
        return ended;
    }

    /**
     * What the owner would get back if the active cluster ended now: the refund its close would
     * pay, computed as the close computes it, changing nothing. Empty if it has ended.
     */
    public Optional<Money> refundIfEndedNow(ClusterId id) {
        return devices.transaction((c, writes) -> {
            ClusterRow cluster = clusters.byId(c, id).orElseThrow();
            if (cluster.state().isFinal()) {
                return Optional.<Money>empty();
            }
            ClusterClose.Plan plan = closePlan(c, cluster, clusters.ranks(c, id), clock.instant());
            long refunded = plan.settlement().stream().filter(t -> t.kind() == TransferKind.REFUND)
                    .mapToLong(t -> t.amount().minor()).sum();
            return Optional.of(new Money(refunded, cluster.currency()));
        });
    }

    /** Applies the cluster's close and checks that it emptied the escrow. */
    private void settle(Connection c, ClusterRow cluster, List<RankRow> ranks, Instant now) throws SQLException {
        ClusterId id = cluster.id();
        String escrow = LedgerAccounts.escrow(id, cluster.currency());
        ClusterClose.Plan plan = closePlan(c, cluster, ranks, now);
        ledger.apply(c, plan.settlement(), now);
        ledger.apply(c, plan.referrals(), now);
        ledger.recordComputePoints(c, plan.computePoints(), now);
        Money left = ledger.balance(c, escrow, cluster.currency());
        if (left.minor() != 0) {
            throw new IllegalStateException("escrow of " + id + " holds " + left + " after settlement");
        }
    }

    /**
     * How the cluster's close splits its escrow if its ranks' service ends now: each rank's device
     * from its start (a lost rank's until it was lost), and each device a rank was lost on for the
     * stretch it served.
     */
    private ClusterClose.Plan closePlan(Connection c, ClusterRow cluster, List<RankRow> ranks, Instant now)
            throws SQLException {
        ClusterId id = cluster.id();
        Money held = ledger.balance(c, LedgerAccounts.escrow(id, cluster.currency()), cluster.currency());
        Map<AccountId, Referrals.Referral> supplierReferrals = new HashMap<>();
        clusters.referralsOfSuppliers(c, id).forEach((supplier, row) ->
                supplierReferrals.put(supplier, new Referrals.Referral(row.referredBy(), row.createdAt())));
        List<ClusterClose.Rank> served = new ArrayList<>();
        for (Clusters.Stint stint : clusters.stints(c, id)) {
            served.add(new ClusterClose.Rank(stint.device(), stint.supplier(), stint.startedAt(), stint.endedAt()));
        }
        for (RankRow rank : ranks) {
            served.add(new ClusterClose.Rank(rank.device(), rank.supplier(), rank.startedAt(),
                    rank.state() == RankState.LOST ? rank.endedAt() : now));
        }
        return ClusterClose.plan(new ClusterClose.Inputs(id, cluster.owner(), held,
                cluster.pricePerDeviceHour(), cluster.hours(), cluster.runningAt(), served,
                clusters.rewardSplitsOfDevices(c, id),
                oracle.current(c).map(Oracle.Price::microsPerIo).orElse(BuyAndBurn.NO_PRICE),
                ledger.balance(c, LedgerAccounts.marketMaker(Currency.IO), Currency.IO).minor(),
                accounts.byId(c, cluster.owner()).filter(row -> row.referredBy() != null)
                        .map(row -> new Referrals.Referral(row.referredBy(), row.createdAt())),
                supplierReferrals, now));
    }

    /**
     * What a finished job says of a device: it abandoned the job if it had not started its rank
     * when the deployment timed out (one lost with its device was recorded then); it completed it
     * if the cluster did not fail. A failure of the customer's program, or a rank left waiting
     * because another failed, says nothing of the device.
     */
    static Optional<Reputation.Event> jobEvent(ClusterState end, RankState rank, boolean deployTimedOut) {
        if (rank == RankState.LOST) {
            return Optional.empty();
        }
        if (rank == RankState.ASSIGNED && deployTimedOut) {
            return Optional.of(Reputation.Event.JOB_ABANDONED);
        }
        return end == ClusterState.FAILED || rank == RankState.ASSIGNED ? Optional.empty()
                : Optional.of(Reputation.Event.JOB_COMPLETED);
    }
}
