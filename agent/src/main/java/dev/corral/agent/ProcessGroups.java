package dev.corral.agent;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Ranks run each in a session of their own ({@link PosixSpawn} starts them so, or util-linux
 * {@code setsid} where ranks start through the JDK), so that the agent can
 * signal a rank and everything it started at once, through the C library's {@code kill} with a
 * negative process id: one system call, where walking the process tree reads all of /proc,
 * and a grandchild that its parent left behind (a double fork) is still in the group.
 */
public final class ProcessGroups {
    static final int SIGTERM = 15;
    public static final int SIGKILL = 9;
    /** Signal 0: nothing is sent; the call says whether the group still has a process. */
    static final int EXISTS = 0;
    private static final List<Path> SETSID_PATHS = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    private static final Path PROC = Path.of("/proc");
    /** Whether this kernel lists each process's children in /proc (CONFIG_PROC_CHILDREN). */
    private static final boolean CHILDREN_LISTED = Files.isReadable(
            PROC.resolve("self/task/" + ProcessHandle.current().pid() + "/children"));
    private static final Optional<String> SETSID = SETSID_PATHS.stream().filter(Files::isExecutable).findFirst()
            .map(Path::toString);

    private interface CLibrary extends Library {
        int kill(int pid, int signal);
    }

    /**
     * Loaded on first use: a process that starts no rank needs no binding. Empty where JNA cannot
     * load (its native part unpacks to a temporary directory, which may forbid executing it):
     * then ranks are signalled one process at a time, as the JDK does.
     */
    private static final class Holder {
        static final Optional<CLibrary> LIBC = load();

        private static Optional<CLibrary> load() {
            try {
                return Optional.of(Native.load(Platform.C_LIBRARY_NAME, CLibrary.class));
            } catch (LinkageError e) {
                LoggerFactory.getLogger(ProcessGroups.class).warn(
                        "cannot call the C library ({}): ranks are stopped one process at a time", e.getMessage());
                return Optional.empty();
            }
        }
    }

    private ProcessGroups() {}

    /**
     * The command that runs {@code command} as the leader of a new session and process group
     * (its process id is the group's), waiting for it; empty where there is no setsid, or no
     * way to signal a group.
     */
    public static Optional<List<String>> inNewGroup(List<String> command) {
        if (Holder.LIBC.isEmpty()) {
            return Optional.empty();
        }
        return SETSID.map(setsid -> {
            List<String> wrapped = new ArrayList<>(List.of(setsid, "--wait"));
            wrapped.addAll(command);
            return List.copyOf(wrapped);
        });
    }

    /**
     * Sends the signal to every process in the group; false if no process is in it, none may be
     * signalled, or the C library cannot be called.
     */
    public static boolean signal(long groupId, int signal) {
        if (groupId <= 1 || groupId > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a process group id: " + groupId);
        }
        return Holder.LIBC.map(libc -> libc.kill(-(int) groupId, signal) == 0).orElse(false);
    }

    /**
     * Every process under this one now: its children, theirs, and so on, read from
     * /proc/PID/task/TID/children, which lists one process's children without a scan of all of
     * /proc. Empty where /proc does not say (not Linux, or a kernel without that file).
     */
    static Optional<Set<Long>> descendants(long pid) {
        if (!CHILDREN_LISTED) {
            return Optional.empty();
        }
        Set<Long> found = new HashSet<>();
        Deque<Long> parents = new ArrayDeque<>(List.of(pid));
        while (!parents.isEmpty()) {
            long parent = parents.pop();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Long.toString(parent)).resolve("task"))) {
                for (Path task : tasks) {
                    for (String child : Files.readString(task.resolve("children")).trim().split(" ")) {
                        if (!child.isEmpty()) {
                            long childPid = Long.parseLong(child);
                            if (found.add(childPid)) {
                                parents.push(childPid);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // it ended while it was looked at: no children left to find under it
            }
        }
        return Optional.of(found);
    }

    /**
     * Whether any of these processes is still running in the group. One that has exited but
     * whose parent has not collected it yet (a zombie: an orphan waits for init to do it, and
     * some inits take seconds) does not run, nor does one whose id a process outside the group
     * has since taken.
     */
    static boolean anyRunning(Collection<Long> pids, long groupId) {
        for (long pid : pids) {
            try {
                String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
                // "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
                if (!after[0].equals("Z") && !after[0].equals("X") && Long.parseLong(after[2]) == groupId) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // gone, or not a stat line this code reads: not running in the group
            }
        }
        return false;
    }
}
