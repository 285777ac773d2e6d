package dev.corral.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process ranks of an agent that is not root, in namespaces of their own (util-linux
 * {@code unshare}, as an unprivileged user may where the kernel allows user namespaces): a user
 * namespace that maps the agent's user alone, a mount namespace where an empty file system
 * covers the agent's data directory (its key, its other ranks' directories) and the rank's own
 * directory is mounted back at its path, and a PID namespace with its own {@code /proc}, so
 * the rank sees no process of the agent's (whose {@code /proc/PID/root} would lead past the
 * cover). The rank itself runs with no capabilities at all, so it cannot unmount the cover;
 * the shell that set it up stays as the namespace's first process and passes SIGTERM on, so a
 * stop is still graceful. What the rank can still read is what the agent's user may read
 * elsewhere on the machine: for trusted set-ups, as the process runtime is.
 */
record RankNamespace(Path hidden) implements RankIsolation {
    static final Path UNSHARE = Path.of("/usr/bin/unshare");
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** Arguments: the directory to hide, the rank's work directory (the current one), then the rank's command. */
    static final String SETUP = """
            hidden=$1; work=$2; shift 2
            mount -t tmpfs -o mode=0700,size=64k corral-hidden "$hidden" && mkdir -p "$work" \
              && mount --no-canonicalize --bind . "$work" && cd "$work" \
              || { echo "corral: cannot hide the agent's files from the rank" >&2; exit 126; }
            setpriv --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@" &
            rank=$!
            trap 'kill -TERM "$rank" 2>/dev/null' TERM INT HUP
            while :; do
              wait "$rank"; status=$?
              kill -0 "$rank" 2>/dev/null && continue
              # A wait cut short by the trap says 128 + the signal: the rank's own status comes from waiting again.
              if [ "$status" -gt 128 ]; then wait "$rank"; again=$?; [ "$again" -ne 127 ] && status=$again; fi
              exit "$status"
            done
            """;
    private static final List<String> NAMESPACES = List.of("--user", "--map-root-user", "--mount", "--pid", "--fork",
            "--mount-proc", "--kill-child");
    private static final Logger LOG = LoggerFactory.getLogger(RankNamespace.class);

    /** Namespaces hiding this data directory, where unshare and setpriv are there and the kernel lets this user make them. */
    static Optional<RankNamespace> of(Path dataDirectory) {
        if (!Files.isExecutable(UNSHARE) || !Files.isExecutable(RankUser.SETPRIV)) {
            return Optional.empty();
        }
        List<String> probe = new ArrayList<>(List.of(UNSHARE.toString()));
        probe.addAll(NAMESPACES);
        probe.add("true");
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(new RankNamespace(dataDirectory.toAbsolutePath()))
                    : Optional.empty();
        } catch (IOException e) {
            LOG.debug("cannot try namespaces: {}", e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The rank's directory is the agent's user's, and no one else's. */
    @Override
    public void own(Path workDirectory) throws IOException {
        Files.setPosixFilePermissions(workDirectory, PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    public List<String> wrap(List<String> argv, Path workDirectory) {
        List<String> wrapped = new ArrayList<>(List.of(UNSHARE.toString()));
        wrapped.addAll(NAMESPACES);
        wrapped.addAll(List.of("--", "/bin/sh", "-c", SETUP, "corral-rank", hidden.toString(),
                workDirectory.toAbsolutePath().toString()));
        wrapped.addAll(argv);
        return List.copyOf(wrapped);
    }

    @Override
    public String description() {
        return "in namespaces of their own, where " + hidden + " is hidden";
    }
}
