package dev.corral.core.protocol;

import dev.corral.core.Frameworks;
import dev.corral.core.api.ContainerSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rank the device must run. headAddr is null for rank 0, whose agent chooses the port
 * and reports it; the other ranks are sent only once it is known. started says the device
 * already reported this rank started: an agent that does not know it lost it in a restart.
 * container is what a rank of the container runtime runs (null for a process rank); cmd may
 * then be null, for the image's own command. framework names the launcher whose variables the
 * rank gets (null for none); restarts counts the times the coordinator had the rank's program
 * started again on this device after it failed; logSeqFrom is the sequence number of the first
 * log line this device sends (after the lines of a device the rank was lost on); placement counts
 * the devices the rank was lost on before, so a device given back a rank it lost starts it afresh.
 */
public record Assignment(String clusterId, int rank, int worldSize, String type, String cmd, Map<String, String> env,
        String headAddr, List<String> peers, boolean started, ContainerSpec container, String framework,
        int restarts, long logSeqFrom, int placement) {

    /** A rank with no framework, never restarted. */
    public Assignment(String clusterId, int rank, int worldSize, String type, String cmd, Map<String, String> env,
            String headAddr, List<String> peers, boolean started, ContainerSpec container) {
        this(clusterId, rank, worldSize, type, cmd, env, headAddr, peers, started, container, null, 0, 0, 0);
    }

    /** A process rank. */
    public Assignment(String clusterId, int rank, int worldSize, String type, String cmd, Map<String, String> env,
            String headAddr, List<String> peers, boolean started) {
        this(clusterId, rank, worldSize, type, cmd, env, headAddr, peers, started, null);
    }

    /**
     * What the rank sees of its place in the cluster, for every runtime, with its framework's
     * variables; {@code headAddr} is the head as the rank reaches it.
     */
    public Map<String, String> corralEnv(String headAddr) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("CORRAL_CLUSTER_ID", clusterId);
        variables.put("CORRAL_RANK", Integer.toString(rank));
        variables.put("CORRAL_WORLD_SIZE", Integer.toString(worldSize));
        variables.put("CORRAL_HEAD_ADDR", headAddr);
        variables.put("CORRAL_PEERS", String.join(",", peers));
        variables.putAll(Frameworks.variables(framework, headAddr, rank, worldSize));
        return variables;
    }
}
