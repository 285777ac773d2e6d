package dev.corral.agent;

import dev.corral.core.DeviceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a process rank is kept from the agent's files (its device key above all) and from other
 * ranks' directories. An agent running as root runs each rank as a user of its own
 * ({@link RankUser}); any other agent, which cannot give a process another user, runs it in
 * namespaces of its own where the agent's data directory is hidden ({@link RankNamespace}).
 */
sealed interface RankIsolation permits RankUser, RankNamespace {
    /** Readies the rank's work directory before the rank starts in it. */
    void own(Path workDirectory) throws IOException;

    /** The command that runs {@code argv} isolated, started in {@code workDirectory}. */
    List<String> wrap(List<String> argv, Path workDirectory);

    /** What this isolation is, for the agent's log. */
    String description();

    /**
     * The isolation this agent can give its process ranks: a user of their own as root, else
     * namespaces where this machine allows them; empty where it can give neither.
     */
    static Optional<RankIsolation> of(DeviceId device, Path dataDirectory) {
        if (isRoot()) {
            return RankUser.of(device).map(user -> user);
        }
        return RankNamespace.of(dataDirectory).map(namespace -> namespace);
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return false;
        }
    }
}
