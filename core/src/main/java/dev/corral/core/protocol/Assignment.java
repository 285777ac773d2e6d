package dev.corral.core.protocol;

import dev.corral.core.api.ContainerSpec;
import java.util.List;
import java.util.Map;

/**
 * One rank the device must run. headAddr is null for rank 0, whose agent chooses the port
 * and reports it; the other ranks are sent only once it is known. started says the device
 * already reported this rank started: an agent that does not know it lost it in a restart.
 * container is what a rank of the container runtime runs (null for a process rank); cmd may
 * then be null, for the image's own command.
 */
public record Assignment(String clusterId, int rank, int worldSize, String type, String cmd, Map<String, String> env,
        String headAddr, List<String> peers, boolean started, ContainerSpec container) {

    /** A process rank. */
    public Assignment(String clusterId, int rank, int worldSize, String type, String cmd, Map<String, String> env,
            String headAddr, List<String> peers, boolean started) {
        this(clusterId, rank, worldSize, type, cmd, env, headAddr, peers, started, null);
    }

    /** What the rank sees of its place in the cluster, for every runtime. */
    public Map<String, String> corralEnv(String headAddr) {
        return Map.of("CORRAL_CLUSTER_ID", clusterId, "CORRAL_RANK", Integer.toString(rank),
                "CORRAL_WORLD_SIZE", Integer.toString(worldSize), "CORRAL_HEAD_ADDR", headAddr,
                "CORRAL_PEERS", String.join(",", peers));
    }
}
