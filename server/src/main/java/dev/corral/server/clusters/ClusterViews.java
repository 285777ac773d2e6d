package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Ids;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ImagePull;
import dev.corral.core.api.LogView;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.server.Refusal;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Ledger;
import dev.corral.store.Logs;
import dev.corral.store.RankRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What an owner sees of its clusters: each with its money and ranks, and their logs. Reads only. */
public final class ClusterViews {
    static final int CLUSTERS_LIST_MAX = 200;
    static final int LOG_LINES_READ_MAX = 10_000;

    private final Database db;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Logs logs;

    public ClusterViews(Database db, Clusters clusters, Ledger ledger, Logs logs) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.logs = requireNonNull(logs, "logs is null");
    }

    /** The owner's clusters, newest first, each without its ranks' list (up to 200 of up to 10,000 ranks each). */
    public List<ClusterView> list(AccountId owner) {
        List<ClusterRow> rows = db.transaction(c -> clusters.byOwner(c, owner, CLUSTERS_LIST_MAX));
        return rows.stream().map(row -> view(row.id(), false)).toList();
    }

    public ClusterView get(AccountId owner, String clusterId, boolean withRanks) {
        return view(owned(owner, clusterId).id(), withRanks);
    }

    /**
     * The newest {@code limit} log lines of every rank, in rank then sequence order, and whether
     * older ones are kept: what a page following a running cluster shows.
     */
    public LogView logsTail(AccountId owner, String clusterId, int limit) {
        ClusterRow cluster = owned(owner, clusterId);
        if (limit < 1 || limit > LOG_LINES_READ_MAX) {
            throw Refusal.invalid("limit must be 1.." + LOG_LINES_READ_MAX);
        }
        List<Logs.Line> lines = new ArrayList<>(db.transaction(c -> logs.tail(c, cluster.id(), limit + 1)));
        boolean truncated = lines.size() > limit;
        if (truncated) {
            // One more than asked was read to learn whether older lines are kept: the oldest of them goes.
            lines.remove(lines.stream().min(Comparator.comparingLong(Logs.Line::seq).thenComparingInt(Logs.Line::rank))
                    .orElseThrow());
        }
        return new LogView(cluster.id().value(), lines.stream()
                .map(line -> new LogView.LogLine(line.rank(), line.seq(), line.text())).toList(), truncated);
    }

    /** Up to {@code limitAsked} log lines (all ranks', or one rank's), oldest first, and whether more are kept. */
    public LogView logs(AccountId owner, String clusterId, Integer rank, Integer limitAsked) {
        ClusterRow cluster = owned(owner, clusterId);
        int limit = limitAsked == null ? LOG_LINES_READ_MAX : limitAsked;
        if (limit < 1 || limit > LOG_LINES_READ_MAX) {
            throw Refusal.invalid("limit must be 1.." + LOG_LINES_READ_MAX);
        }
        List<Logs.Line> lines = db.transaction(c -> logs.read(c, cluster.id(), rank, limit + 1));
        boolean truncated = lines.size() > limit;
        return new LogView(cluster.id().value(), lines.stream().limit(limit)
                .map(line -> new LogView.LogLine(line.rank(), line.seq(), line.text())).toList(), truncated);
    }

    ClusterView view(ClusterId id) {
        return view(id, true);
    }

    private ClusterView view(ClusterId id, boolean withRanks) {
        return db.transaction(c -> {
            ClusterRow k = clusters.byId(c, id).orElseThrow();
            Map<TransferKind, Money> sums = ledger.clusterSums(c, id.value(), k.currency());
            Money charged = sums.get(TransferKind.SUPPLIER_PAYMENT).plus(sums.get(TransferKind.BUYBACK))
                    .plus(sums.get(TransferKind.NETWORK_FEE));
            Map<Integer, ImagePull> pulls = new HashMap<>();
            for (Clusters.Pull pull : clusters.pulls(c, id)) {
                pulls.put(pull.rank(), new ImagePull(1, pull.bytesDone(), pull.bytesTotal()));
            }
            List<ClusterView.RankView> ranks = !withRanks ? List.of() : clusters.ranks(c, id).stream()
                    .map(r -> new ClusterView.RankView(r.rank(), r.device().value(),
                            pulls.containsKey(r.rank()) ? ClusterView.PULLING : r.state().name(), r.exitCode(),
                            r.startedAt(), r.endedAt(), r.endpoints(), pulls.get(r.rank()), r.restarts(),
                            r.lastFailure(), r.reasonCode() == null ? null : r.reasonCode().name())).toList();
            long started = withRanks ? ranks.stream().filter(r -> r.startedAt() != null).count()
                    : clusters.ranksStarted(c, id);
            return new ClusterView(id.value(), k.name(), k.state().name(), k.reason(),
                    k.reasonCode() == null ? null : k.reasonCode().name(), k.type(), k.cmd(),
                    k.container() == null ? null : k.container().redacted(), k.kind().name(),
                    k.gpuModel(), k.gpusPerDevice(), k.count(), k.hours(), k.region(), Amount.of(k.pricePerDeviceHour()),
                    Amount.of(sums.get(TransferKind.ESCROW_HOLD)), Amount.of(charged),
                    Amount.of(sums.get(TransferKind.REFUND)), k.createdAt(), k.runningAt(), k.expiresAt(), k.endedAt(),
                    Math.toIntExact(started), pulling(pulls.values()), ranks, k.framework(), k.onDeviceLoss(),
                    DeployOrder.restartPolicy(k.restartMax()), withRanks ? replacements(c, k) : List.of());
        });
    }

    /** Every device the cluster lost, oldest first: those replaced, then those whose rank waits for another. */
    private List<ClusterView.Replacement> replacements(Connection c, ClusterRow cluster) throws SQLException {
        List<ClusterView.Replacement> lost = new ArrayList<>();
        for (Clusters.Stint stint : clusters.stints(c, cluster.id())) {
            lost.add(new ClusterView.Replacement(stint.rank(), stint.device().value(), stint.startedAt(),
                    stint.endedAt(), stint.replacedBy().value()));
        }
        if (cluster.ranksLost() > 0) {
            for (RankRow rank : clusters.lostRanks(c, cluster.id())) {
                lost.add(new ClusterView.Replacement(rank.rank(), rank.device().value(), rank.startedAt(),
                        rank.endedAt(), null));
            }
        }
        return lost;
    }

    /** The ranks' pulls summed, or null when none is pulling. */
    static ImagePull pulling(Collection<ImagePull> pulls) {
        if (pulls.isEmpty()) {
            return null;
        }
        return new ImagePull(pulls.size(), pulls.stream().mapToLong(ImagePull::bytesDone).sum(),
                pulls.stream().mapToLong(ImagePull::bytesTotal).sum());
    }

    /** The owner's cluster; another account's, or none, is "not found" alike. */
    ClusterRow owned(AccountId owner, String clusterId) {
        if (!Ids.looksLike(clusterId, ClusterId.PREFIX)) {
            throw Refusal.notFound("cluster", String.valueOf(clusterId));
        }
        return db.transaction(c -> clusters.owned(c, owner, new ClusterId(clusterId)))
                .orElseThrow(() -> Refusal.notFound("cluster", clusterId));
    }
}
