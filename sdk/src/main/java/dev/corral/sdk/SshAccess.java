package dev.corral.sdk;

import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a client logs in to a rank of a cluster deployed with SSH keys: where the rank's port 22
 * is published, and the arguments of the system's ssh client. Pure.
 */
public final class SshAccess {
    private SshAccess() {}

    /** Where a running rank's port 22 is published; empty before it runs, or without SSH keys. */
    public static Optional<Endpoint> endpoint(ClusterView view, int rank) {
        return view.ranks().stream().filter(r -> r.rank() == rank && "STARTED".equals(r.state()))
                .flatMap(r -> r.endpoints().stream())
                .filter(e -> ContainerSpec.SSH_PORT.toString().equals(e.port())).findFirst();
    }

    /**
     * The ssh client's arguments for a rank at {@code address} ({@code host:port}, or
     * {@code [v6]:port}): its host key is taken on first use into {@code knownHosts}, kept apart
     * from the user's own (a rank's address is reused by other clusters' ranks).
     */
    public static List<String> argv(String address, String user, Optional<Path> identity, Path knownHosts,
            List<String> command) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        List<String> argv = new ArrayList<>(List.of("ssh", "-p", address.substring(colon + 1),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=" + knownHosts));
        identity.ifPresent(key -> argv.addAll(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes")));
        argv.add(user + "@" + host);
        if (!command.isEmpty()) {
            argv.add("--");
            argv.addAll(command);
        }
        return argv;
    }
}
