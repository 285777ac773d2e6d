package dev.corral.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distributed frameworks a cluster can be deployed for: each gives its ranks the variables
 * that framework's launcher would, from the cluster's head address. Only frameworks a test runs
 * for real are here (PyTorch distributed); Ray and Kubernetes wait until they can be.
 */
public final class Frameworks {
    /** PyTorch distributed: every rank gets the variables torchrun sets, one process per device. */
    public static final String TORCH = "torch";
    /** What a deploy may name, in the order docs list them. */
    public static final List<String> ALL = List.of(TORCH);
    /** The variables {@link #TORCH} sets: a customer's env may not set them for such a cluster. */
    public static final List<String> TORCH_VARIABLES = List.of("MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK",
            "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK", "GROUP_WORLD_SIZE", "ROLE_RANK", "ROLE_WORLD_SIZE");

    private Frameworks() {}

    /**
     * What a rank of a {@code framework} cluster gets, as torchrun sets it: the head ({@code host:port},
     * or {@code [v6]:port}) as MASTER_ADDR and MASTER_PORT, its rank in the world, one local rank
     * (a device runs one rank, with all its GPUs). Empty for no framework. (A restarted container keeps
     * the variables it was made with, so torchrun's restart count is not among them.)
     */
    public static Map<String, String> variables(String framework, String headAddr, int rank, int worldSize) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (!TORCH.equals(framework) || headAddr == null) {
            return variables;
        }
        int colon = headAddr.lastIndexOf(':');
        String host = headAddr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String world = Integer.toString(worldSize);
        String self = Integer.toString(rank);
        variables.put("MASTER_ADDR", host);
        variables.put("MASTER_PORT", headAddr.substring(colon + 1));
        variables.put("WORLD_SIZE", world);
        variables.put("RANK", self);
        variables.put("LOCAL_RANK", "0");
        variables.put("LOCAL_WORLD_SIZE", "1");
        variables.put("GROUP_RANK", self);
        variables.put("GROUP_WORLD_SIZE", world);
        variables.put("ROLE_RANK", self);
        variables.put("ROLE_WORLD_SIZE", world);
        return variables;
    }
}
