package dev.corral.agent;

import dev.corral.core.DeviceId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user a device's process ranks run as, apart from the agent's: a numeric user and group of
 * their own (no account needed), so a rank cannot read the agent's key (0600, the agent's) nor
 * another device's rank directory (0700, its user's). Taken on through util-linux
 * {@code setpriv} with no supplementary groups and no new privileges. Only an agent running as
 * root can give a process another user ({@link RankIsolation} chooses).
 */
record RankUser(int id) implements RankIsolation {
    /** The first id of the range rank users are drawn from, above any a system gives its accounts. */
    static final int ID_BASE = 2_000_000;
    /** How many ids the range holds: a device's id is drawn from it by the hash of its id. */
    static final int IDS = 1 << 24;
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /** The rank user of this device, where this agent can switch to one. */
    static Optional<RankUser> of(DeviceId device) {
        if (!Files.isExecutable(SETPRIV)) {
            return Optional.empty();
        }
        return Optional.of(new RankUser(ID_BASE + Math.floorMod(device.value().hashCode(), IDS)));
    }

    /** The command run as this user: its id as user and group, no other groups, no new privileges. */
    @Override
    public List<String> wrap(List<String> argv, Path workDirectory) {
        List<String> wrapped = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + id, "--regid=" + id,
                "--clear-groups", "--no-new-privs", "--"));
        wrapped.addAll(argv);
        return List.copyOf(wrapped);
    }

    /** Gives the rank's work directory to this user, readable by it alone. */
    @Override
    public void own(Path workDirectory) throws IOException {
        Files.setAttribute(workDirectory, "unix:uid", id);
        Files.setAttribute(workDirectory, "unix:gid", id);
        Files.setPosixFilePermissions(workDirectory, PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    public String description() {
        return "as user " + id;
    }
}
