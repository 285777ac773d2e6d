package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceId;
import dev.corral.core.RankState;
import dev.corral.core.Sha256;
import dev.corral.core.protocol.Assignment;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.store.Challenges;
import dev.corral.store.ClusterRow;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.RankRow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a device must run now (its ranks, its challenges), and a version that changes when that does. */
public final class AgentWork {
    /**
     * Clusters up to this many ranks get every peer's host (CORRAL_PEERS); larger ones meet at
     * the head (CORRAL_HEAD_ADDR), as torch.distributed does, instead of every agent
     * downloading every other's address.
     */
    static final int PEERS_LISTED_MAX = 256;

    private final Database db;
    private final Clusters clusters;
    private final Challenges challenges;
    private final SecretSeal seal;
    private final Duration heartbeatTimeout;

    public AgentWork(Database db, Clusters clusters, Challenges challenges, SecretSeal seal, Duration heartbeatTimeout) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.seal = requireNonNull(seal, "seal is null");
        this.heartbeatTimeout = requireNonNull(heartbeatTimeout, "heartbeatTimeout is null");
    }

    /** Everything the device must run now, and a version that changes when that does. */
    public WorkResponse work(DeviceId device) {
        return db.transaction(c -> {
            List<Assignment> assignments = new ArrayList<>();
            for (RankRow rank : clusters.liveRanksOf(c, device)) {
                ClusterRow cluster = clusters.byId(c, rank.cluster()).orElseThrow();
                if (rank.rank() > 0 && cluster.headAddr() == null) {
                    continue;
                }
                List<String> peers = cluster.count() > PEERS_LISTED_MAX ? List.of()
                        : clusters.hostsInRankOrder(c, cluster.id());
                assignments.add(new Assignment(cluster.id().value(), rank.rank(), cluster.count(), cluster.type(),
                        cluster.cmd(), cluster.env(), cluster.headAddr(), peers, rank.state() == RankState.STARTED,
                        seal.open(cluster.container()), cluster.framework(), rank.restarts(), rank.logSeqFrom(),
                        rank.placement()));
            }
            List<ChallengeTask> tasks = challenges.issuedTo(c, device).stream()
                    .map(k -> new ChallengeTask(k.id(), k.gpu(), k.seed(), k.size(), k.memory(), k.deadline()))
                    .toList();
            return new WorkResponse(version(assignments, tasks), assignments, tasks, heartbeatTimeout.toMillis());
        });
    }

    /**
     * Whether a rank started is left out: the agent that reported the start knows it, and its
     * next poll should wait rather than come straight back for news it sent itself. An agent
     * that restarted polls knowing no version and gets it all.
     */
    static String version(List<Assignment> assignments, List<ChallengeTask> tasks) {
        String fingerprint = assignments.stream()
                .map(a -> a.clusterId() + "/" + a.rank() + "/" + a.placement() + "/" + a.headAddr() + "/" + a.restarts())
                .reduce("", (a, b) -> a + ";" + b)
                + tasks.stream().map(ChallengeTask::challengeId).reduce("", (a, b) -> a + ";" + b);
        return Sha256.hex(fingerprint.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
