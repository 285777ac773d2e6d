package dev.corral.agent;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * Starts a rank's command straight from the agent through the C library's {@code posix_spawnp}:
 * a session of its own (so its process id is its group's), {@code /dev/null} as its input, its
 * output and errors appended to a file, every other descriptor closed, signals as a new program
 * expects them. {@link ProcessBuilder} gets there through two more programs (the JDK's helper,
 * which closes the agent's files one by one, then util-linux {@code setsid}); in
 * {@code corral bench deploy --devices 1000} those two were about 1.5 s of the 8 to RUNNING.
 *
 * <p>Linux with glibc 2.34 or newer; elsewhere {@link #available()} is false and ranks start
 * through {@link ProcessBuilder}.
 */
final class PosixSpawn {
    // glibc's values, the same on every Linux architecture it supports
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_APPEND = 02000;
    private static final int OUTPUT_MODE = 0644;
    /** waitpid was interrupted by a signal before the process ended: wait again. */
    private static final int EINTR = 4;
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    /** Room for glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and sigset_t (128). */
    private static final int OPAQUE_BYTES = 1024;
    /** Exit status of a process killed by a signal, as a shell reports it: 128 plus the signal's number. */
    private static final int SIGNALLED_BASE = 128;
    /** The functions past POSIX this needs, by the glibc version that brought them. */
    private static final List<String> EXTENSIONS = List.of("posix_spawn_file_actions_addchdir_np",
            "posix_spawn_file_actions_addclosefrom_np");
    /**
     * Each started process has a platform thread blocked in {@code waitpid} until it ends, as the
     * JDK's own reaper does: a virtual thread would hold its carrier for as long in native code.
     */
    private static final long REAPER_STACK_BYTES = 128 * 1024;
    private static final ExecutorService REAPERS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("rank-reaper-", 0).stackSize(REAPER_STACK_BYTES).factory());

    private interface CLibrary extends Library {
        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

        int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawnattr_init(Pointer attributes);

        int posix_spawnattr_destroy(Pointer attributes);

        int posix_spawnattr_setflags(Pointer attributes, short flags);

        int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);

        int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

        int sigemptyset(Pointer set);

        int sigfillset(Pointer set);

        int posix_spawnp(IntByReference pid, String file, Pointer actions, Pointer attributes, StringArray argv,
                StringArray envp);

        int waitpid(int pid, IntByReference status, int options);

        String strerror(int error);
    }

    /** Loaded on first use; empty off Linux, where JNA cannot load, or where the C library lacks a function. */
    private static final class Holder {
        static final Optional<CLibrary> LIBC = load();

        private static Optional<CLibrary> load() {
            if (!Platform.isLinux()) {
                return Optional.empty();
            }
            try {
                NativeLibrary c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
                EXTENSIONS.forEach(c::getFunction);
                return Optional.of(Native.load(Platform.C_LIBRARY_NAME, CLibrary.class));
            } catch (LinkageError e) {
                LoggerFactory.getLogger(PosixSpawn.class).warn(
                        "cannot start ranks through posix_spawnp ({}): they start through the JDK", e.getMessage());
                return Optional.empty();
            }
        }
    }

    private PosixSpawn() {}

    static boolean available() {
        return Holder.LIBC.isPresent();
    }

    /**
     * Starts the command (found on the agent's PATH) with exactly this environment, in this
     * directory, leading a new session.
     *
     * @throws IOException with the C library's reason when it cannot be started
     */
    static Process start(List<String> command, Map<String, String> environment, Path directory, Path output)
            throws IOException {
        CLibrary libc = Holder.LIBC.orElseThrow(() -> new IllegalStateException("posix_spawnp is not available here"));
        Memory actions = new Memory(OPAQUE_BYTES);
        Memory attributes = new Memory(OPAQUE_BYTES);
        Memory noSignals = new Memory(OPAQUE_BYTES);
        Memory allSignals = new Memory(OPAQUE_BYTES);
        check(libc, libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try {
            check(libc, libc.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            try {
                check(libc, libc.posix_spawn_file_actions_addopen(actions, STDIN, "/dev/null", O_RDONLY, 0), "addopen");
                check(libc, libc.posix_spawn_file_actions_addopen(actions, STDOUT, output.toAbsolutePath().toString(),
                        O_WRONLY | O_CREAT | O_APPEND, OUTPUT_MODE), "addopen");
                check(libc, libc.posix_spawn_file_actions_adddup2(actions, STDOUT, STDERR), "adddup2");
                check(libc, libc.posix_spawn_file_actions_addclosefrom_np(actions, STDERR + 1), "addclosefrom_np");
                check(libc, libc.posix_spawn_file_actions_addchdir_np(actions, directory.toAbsolutePath().toString()),
                        "addchdir_np");
                libc.sigemptyset(noSignals);
                libc.sigfillset(allSignals);
                check(libc, libc.posix_spawnattr_setsigmask(attributes, noSignals), "setsigmask");
                check(libc, libc.posix_spawnattr_setsigdefault(attributes, allSignals), "setsigdefault");
                check(libc, libc.posix_spawnattr_setflags(attributes,
                        (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "setflags");
                IntByReference pid = new IntByReference();
                String[] env = environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new);
                int error = libc.posix_spawnp(pid, command.getFirst(), actions, attributes,
                        new StringArray(command.toArray(String[]::new)), new StringArray(env));
                if (error != 0) {
                    throw new IOException("cannot run " + command.getFirst() + ": " + libc.strerror(error));
                }
                return new Spawned(libc, pid.getValue());
            } finally {
                libc.posix_spawnattr_destroy(attributes);
            }
        } finally {
            libc.posix_spawn_file_actions_destroy(actions);
        }
    }

    private static void check(CLibrary libc, int error, String call) throws IOException {
        if (error != 0) {
            throw new IOException(call + " failed: " + libc.strerror(error));
        }
    }

    /** The exit code a shell would report for a wait status. */
    static int exitCode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : SIGNALLED_BASE + signal;
    }

    /** A process this class started; its exit is collected by a reaper thread. */
    private static final class Spawned extends Process {
        private final int pid;
        /**
         * Taken before the reaper can collect the process (until then it is at least a zombie
         * under this id): the JDK's handle knows the process by its start time too, so a signal
         * sent through it never reaches another process that took the id later.
         */
        private final ProcessHandle handle;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();

        Spawned(CLibrary libc, int pid) throws IOException {
            this.pid = pid;
            this.handle = ProcessHandle.of(pid).orElseThrow(() -> new IOException("process " + pid
                    + " vanished before it was collected"));
            REAPERS.execute(() -> {
                IntByReference status = new IntByReference();
                int reaped = libc.waitpid(pid, status, 0);
                while (reaped == -1 && Native.getLastError() == EINTR) {
                    reaped = libc.waitpid(pid, status, 0);
                }
                if (reaped == pid) {
                    exit.complete(exitCode(status.getValue()));
                } else {
                    exit.completeExceptionally(new IllegalStateException("waitpid(" + pid + ") failed: errno "
                            + Native.getLastError()));
                }
            });
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public ProcessHandle toHandle() {
            return handle;
        }

        @Override
        public int waitFor() throws InterruptedException {
            try {
                return exit.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            try {
                exit.get(timeout, unit);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public int exitValue() {
            if (!exit.isDone()) {
                throw new IllegalThreadStateException("process " + pid + " has not exited");
            }
            return exit.join();
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public void destroy() {
            handle.destroy();
        }

        @Override
        public Process destroyForcibly() {
            handle.destroyForcibly();
            return this;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }
    }
}
