package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.Runtimes;
import dev.corral.core.protocol.Assignment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ranks as real processes: stopping one ends all it started, and what a dead agent left running is found. */
class RankProcessTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(10);
    /**
     * A rank whose shell starts a background child in a subshell that exits at once: the child
     * is left without a parent in the rank (a double fork), as daemonising programs do.
     */
    private static final String ORPHANING_COMMAND = "(sleep 301 & echo $! > orphan.pid); echo started; sleep 300";

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void stoppingARankEndsEverythingItStartedEvenWhatItsShellLeftBehind(RankProcess.Launcher launcher) throws Exception {
        Path directory = work.resolve("c-0");
        RankProcess rank = RankProcess.start(assignment(ORPHANING_COMMAND), "127.0.0.1:1", directory, launcher);
        ProcessHandle orphan = awaitPid(directory.resolve("orphan.pid"));
        assertThat(orphan.isAlive()).isTrue();

        rank.stop();

        assertThat(rank.waitFor(WAIT_MAX)).as("the rank's exit code").isNotNull();
        awaitGone(orphan);
        assertThat(directory.resolve(RankProcess.RECORD_FILE)).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void whatAnAgentThatDiedLeftRunningIsStoppedWhenTheAgentStartsAgain(RankProcess.Launcher launcher) throws Exception {
        Path directory = work.resolve("c-1");
        RankProcess.start(assignment(ORPHANING_COMMAND), "127.0.0.1:1", directory, launcher);
        // The agent "dies" here: nothing stops the rank; its record stays behind.
        ProcessHandle orphan = awaitPid(directory.resolve("orphan.pid"));
        long shell = Long.parseLong(Files.readString(directory.resolve(RankProcess.RECORD_FILE)).split(" ")[0]);

        assertThat(RankProcess.stopLeftovers(work)).isEqualTo(1);

        awaitGone(orphan);
        ProcessHandle.of(shell).ifPresent(RankProcessTest::awaitGone);
        assertThat(directory.resolve(RankProcess.RECORD_FILE)).doesNotExist();
        assertThat(RankProcess.stopLeftovers(work)).as("nothing left the second time").isZero();
    }

    @Test
    void aRecordWhoseProcessIdNowBelongsToAnotherProcessIsForgottenNotKilled() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        try {
            Path directory = Files.createDirectories(work.resolve("c-2"));
            long started = stranger.toHandle().info().startInstant().orElseThrow().toEpochMilli();
            Files.writeString(directory.resolve(RankProcess.RECORD_FILE), stranger.pid() + " " + (started - 60_000));
            Files.writeString(Files.createDirectories(work.resolve("c-3")).resolve(RankProcess.RECORD_FILE), "not a record");

            assertThat(RankProcess.stopLeftovers(work)).isZero();

            assertThat(stranger.isAlive()).isTrue();
            assertThat(directory.resolve(RankProcess.RECORD_FILE)).doesNotExist();
        } finally {
            stranger.destroyForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void aRankThatEndsTakesItsBackgroundChildrenWithIt(RankProcess.Launcher launcher) throws Exception {
        Path directory = work.resolve("c-4");
        RankProcess rank = RankProcess.start(assignment("sleep 302 & echo $! > child.pid; exit 3"), "127.0.0.1:1",
                directory, launcher);
        ProcessHandle child = awaitPid(directory.resolve("child.pid"));

        assertThat(rank.waitFor(WAIT_MAX)).isEqualTo(3);

        awaitGone(child);
    }

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void aRanksOutputAndErrorAreItsLinesAndItsInputIsEmpty(RankProcess.Launcher launcher) throws Exception {
        RankProcess rank = RankProcess.start(assignment("cat; echo out; echo err >&2; printf 'last'"), "127.0.0.1:1",
                work.resolve("c-5"), launcher);

        assertThat(rank.waitFor(WAIT_MAX)).as("cat met the end of its input at once").isZero();

        assertThat(rank.linesFrom(0, 10, true)).containsExactly("out", "err", "last");
    }

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void aRankHoldsNoneOfTheAgentsOpenFilesAndAKillIsReportedAsAShellWould(RankProcess.Launcher launcher) throws Exception {
        try (FileChannel agentsOwn = FileChannel.open(work.resolve("agent-secret"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            RankProcess rank = RankProcess.start(assignment("ls /proc/$$/fd"), "127.0.0.1:1", work.resolve("c-6"), launcher);
            assertThat(rank.waitFor(WAIT_MAX)).isZero();
            assertThat(rank.linesFrom(0, 10, true)).as("standard input, output and error only").containsExactly("0", "1", "2");
        }

        RankProcess killed = RankProcess.start(assignment("kill -9 $$"), "127.0.0.1:1", work.resolve("c-7"), launcher);
        assertThat(killed.waitFor(WAIT_MAX)).isEqualTo(128 + 9);
    }

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void aRankRunsInItsDirectoryWithTheClustersVariablesAndNoneOfTheAgentsOwn(RankProcess.Launcher launcher)
            throws Exception {
        Path directory = work.resolve("c-8");
        Assignment assignment = new Assignment("c", 2, 4, Runtimes.PROCESS,
                "pwd; echo \"$CORRAL_RANK/$CORRAL_WORLD_SIZE $CORRAL_HEAD_ADDR $MODEL $HOME\"; env | cut -d= -f1 | sort",
                Map.of("MODEL", "llama 70b"), "10.0.0.1:5000", List.of(), false);
        assertThat(System.getenv()).as("the agent has variables of its own to hide").isNotEmpty();

        RankProcess rank = RankProcess.start(assignment, "10.0.0.1:5000", directory, launcher);

        assertThat(rank.waitFor(WAIT_MAX)).isZero();
        List<String> lines = rank.linesFrom(0, 100, true);
        assertThat(lines.get(0)).isEqualTo(directory.toAbsolutePath().toString());
        assertThat(lines.get(1)).isEqualTo("2/4 10.0.0.1:5000 llama 70b " + directory.toAbsolutePath());
        Set<String> allowed = new HashSet<>(RankProcess.INHERITED_ENV);
        allowed.addAll(List.of("HOME", "MODEL", "CORRAL_CLUSTER_ID", "CORRAL_RANK", "CORRAL_WORLD_SIZE",
                "CORRAL_HEAD_ADDR", "CORRAL_PEERS", "PWD", "OLDPWD", "SHLVL", "_"));
        assertThat(lines.subList(2, lines.size())).as("the variables the rank sees").isSubsetOf(allowed)
                .contains("MODEL", "CORRAL_RANK", "HOME");
    }

    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void aPlainCommandRunsAsTheRanksOwnProcessWithNoShellBetween(RankProcess.Launcher launcher) throws Exception {
        Path directory = work.resolve("c-9");
        RankProcess rank = RankProcess.start(assignment("sleep 303"), "127.0.0.1:1", directory, launcher);
        long pid = Long.parseLong(Files.readString(directory.resolve(RankProcess.RECORD_FILE)).split(" ")[0]);
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        // Under the JDK launcher `setsid` runs first, then becomes the program.
        long deadline = System.nanoTime() + WAIT_MAX.toNanos();
        // Both read from /proc: the program's path can be there a moment before its arguments are.
        while (!(process.info().command().orElse("").endsWith("/sleep") && process.info().arguments().isPresent())
                && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        List<String> argv = new ArrayList<>(List.of(process.info().command().orElseThrow()));
        argv.addAll(List.of(process.info().arguments().orElseThrow()));
        assertThat(argv).as("what runs").hasSize(2).last().isEqualTo("303");
        assertThat(argv.getFirst()).endsWith("/sleep");

        rank.stop();

        assertThat(rank.waitFor(WAIT_MAX)).isEqualTo(128 + 15);
        awaitGone(process);

        RankProcess env = RankProcess.start(assignment("printenv PWD CORRAL_RANK"), "127.0.0.1:1", work.resolve("c-10"),
                launcher);
        assertThat(env.waitFor(WAIT_MAX)).isZero();
        assertThat(env.linesFrom(0, 10, true)).containsExactly(work.resolve("c-10").toAbsolutePath().toString(), "0");
    }

    /** As under the shell, which answers 127 for a program it cannot find: here the start fails, or `setsid` exits so. */
    @ParameterizedTest
    @EnumSource(RankProcess.Launcher.class)
    void aPlainCommandNamingNoProgramFailsNamingIt(RankProcess.Launcher launcher) throws Exception {
        Assignment missing = assignment("no-such-program-corral 1");
        if (launcher == RankProcess.Launcher.POSIX_SPAWN) {
            assertThatThrownBy(() -> RankProcess.start(missing, "127.0.0.1:1", work.resolve("c-11"), launcher))
                    .isInstanceOf(IOException.class).hasMessageContaining("no-such-program-corral");
        } else {
            RankProcess rank = RankProcess.start(missing, "127.0.0.1:1", work.resolve("c-11"), launcher);
            assertThat(rank.waitFor(WAIT_MAX)).isEqualTo(127);
            assertThat(String.join("\n", rank.linesFrom(0, 10, true))).contains("no-such-program-corral");
        }
    }

    private static Assignment assignment(String command) {
        return new Assignment("c", 0, 1, Runtimes.PROCESS, command, Map.of(), null, List.of(), false);
    }

    private static ProcessHandle awaitPid(Path file) throws Exception {
        long deadline = System.nanoTime() + WAIT_MAX.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(file) && !Files.readString(file).isBlank()) {
                Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(Files.readString(file).trim()));
                if (handle.isPresent()) {
                    return handle.get();
                }
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("no live process id in " + file + " after " + WAIT_MAX);
    }

    private static void awaitGone(ProcessHandle process) {
        try {
            process.onExit().get(WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("process " + process.pid() + " still runs after " + WAIT_MAX, e);
        }
    }
}
