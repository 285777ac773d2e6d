package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterState;
import dev.corral.core.EndReason;
import dev.corral.core.Money;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What an owner does to a running cluster: pay for more hours, or end it now (refunded for the rest). */
public final class ClusterControl {
    private final Database db;
    private final Clusters clusters;
    private final Ledger ledger;
    private final ClusterViews views;
    private final ClusterEnd ends;
    private final Clock clock;

    public ClusterControl(Database db, Clusters clusters, Ledger ledger, ClusterViews views, ClusterEnd ends,
            Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.views = requireNonNull(views, "views is null");
        this.ends = requireNonNull(ends, "ends is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public ClusterView extend(AccountId owner, String clusterId, Integer hours, String idempotencyKey) {
        ClusterRow cluster = views.owned(owner, clusterId);
        if (hours == null || hours < 1 || hours > DeployRequest.HOURS_MAX) {
            throw Refusal.invalid("hours must be 1.." + DeployRequest.HOURS_MAX);
        }
        String key = "extend:" + cluster.id().value() + ":" + AccountService.requestKey(idempotencyKey);
        db.transaction(c -> {
            ClusterRow locked = clusters.lock(c, cluster.id()).orElseThrow();
            if (locked.state().isFinal()) {
                throw Refusal.conflict("cluster " + clusterId + " has ended (" + locked.state() + "); deploy a new one");
            }
            Money more = locked.pricePerDeviceHour().times(locked.count()).times(hours);
            int total = locked.hours() + hours;
            if (total > DeployRequest.HOURS_MAX) {
                throw Refusal.invalid("a cluster runs at most " + DeployRequest.HOURS_MAX + " hours in all");
            }
            try {
                int applied = ledger.apply(c, List.of(new Transfer(key,
                        LedgerAccounts.user(owner, locked.currency()), LedgerAccounts.escrow(cluster.id(), locked.currency()),
                        more, TransferKind.ESCROW_HOLD, cluster.id().value())), clock.instant());
                if (applied == 1) {
                    Instant expires = locked.expiresAt() == null ? null : locked.expiresAt().plus(Duration.ofHours(hours));
                    clusters.extend(c, cluster.id(), total, expires);
                }
            } catch (Ledger.InsufficientFundsException e) {
                throw Refusal.cannotPay(hours + " more hours cost " + more,
                        ledger.balance(c, LedgerAccounts.user(owner, locked.currency()), locked.currency()));
            }
            return null;
        });
        return views.view(cluster.id());
    }

    /** What the owner would get back for the cluster's unused time if they ended it now; empty once it has ended. */
    public Optional<Money> refundIfTerminatedNow(AccountId owner, String clusterId) {
        return ends.refundIfEndedNow(views.owned(owner, clusterId).id());
    }

    public ClusterView terminate(AccountId owner, String clusterId) {
        ClusterRow cluster = views.owned(owner, clusterId);
        if (!ends.end(cluster.id(), ClusterState.TERMINATED, EndReason.TERMINATED_BY_OWNER, "terminated by its owner")) {
            ClusterView view = views.view(cluster.id());
            throw Refusal.conflict("cluster " + clusterId + " has already ended (" + view.state() + ")");
        }
        return views.view(cluster.id());
    }
}
