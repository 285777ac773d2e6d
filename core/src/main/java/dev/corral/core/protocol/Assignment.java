package dev.corral.core.protocol;

import java.util.List;
import java.util.Map;

/**
 * One rank the device must run. headAddr is null for rank 0, whose agent chooses the port
 * and reports it; the other ranks are sent only once it is known. started says the device
 * already reported this rank started: an agent that does not know it lost it in a restart.
 */
public record Assignment(String clusterId, int rank, int worldSize, String type, String cmd, Map<String, String> env,
        String headAddr, List<String> peers, boolean started) {}
