package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.corral.core.Runtimes;
import dev.corral.core.protocol.Assignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device-key attack on a process rank of an agent that is not root, whose ranks run as the
 * agent's own user in namespaces that hide its data directory. The test runs as root, whose
 * rank is root too (in its namespace, with no capabilities): like a non-root agent's rank, it
 * owns the key, so only the hiding keeps it from reading it.
 */
class RankNamespaceTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(20);
    private static final String KEY = "MC4CAQAwBQYDK2VwBCIEIFakeDeviceKeyForTheTest0123456789";
    private static final String ATTACK = "echo mine > own.txt; cat own.txt; echo KEY=$(cat ../../device.key DATA/device.key); "
            + "echo NOTES=$(cat ../other/notes.txt); umount DATA 2>/dev/null; echo AFTER=$(cat DATA/device.key); "
            + "echo PROCS=$(ls /proc | grep -c '^[0-9]'); echo attempted";

    @TempDir
    Path data;
    private Path rankDirectory;

    @BeforeEach
    void dataDirectory() throws Exception {
        Files.writeString(data.resolve("device.key"), KEY);
        Files.setPosixFilePermissions(data.resolve("device.key"), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(data.resolve("work").resolve("other"));
        Files.writeString(data.resolve("work").resolve("other").resolve("notes.txt"), "other rank's notes");
        rankDirectory = data.resolve("work").resolve("mine");
    }

    @Test
    void aRankInNamespacesReadsNeitherTheKeyNorAnotherRanksDirectoryAndCannotUncoverThem() throws Exception {
        Optional<RankNamespace> namespace = RankNamespace.of(data);
        assumeThat(namespace).as("user namespaces on this machine").isPresent();

        List<String> output = run(Optional.of(namespace.get()));

        assertThat(output).contains("mine", "KEY=", "NOTES=", "AFTER=", "attempted")
                .noneMatch(line -> line.contains(KEY) || line.contains("other rank's notes"));
        assertThat(output).filteredOn(line -> line.startsWith("PROCS=")).singleElement()
                .as("the rank sees its own processes only, none of the agent's").satisfies(line ->
                        assertThat(Integer.parseInt(line.substring("PROCS=".length()))).isLessThan(10));
        assertThat(Files.readString(rankDirectory.resolve("own.txt")).strip()).as("what it wrote is in its directory")
                .isEqualTo("mine");
    }

    /** The same attack without isolation: what the test above would see if the hiding failed. */
    @Test
    void withoutIsolationTheSameRankReadsTheKey() throws Exception {
        assertThat(run(Optional.empty())).anyMatch(line -> line.contains(KEY));
    }

    @Test
    void aRankInNamespacesIsStoppedGracefullyItsShellPassingTheSignalOn() throws Exception {
        Optional<RankNamespace> namespace = RankNamespace.of(data);
        assumeThat(namespace).as("user namespaces on this machine").isPresent();
        RankProcess rank = RankProcess.start(assignment("trap 'echo stopping; exit 3' TERM; echo ready; "
                + "while true; do sleep 0.1; done"), "127.0.0.1:1", rankDirectory, RankProcess.Launcher.best(),
                Optional.of(namespace.get()));
        long deadline = System.nanoTime() + WAIT_MAX.toNanos();
        while (!rank.linesFrom(0, 10, false).contains("ready") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        rank.stop();

        assertThat(rank.waitFor(WAIT_MAX)).isEqualTo(3);
        assertThat(rank.linesFrom(0, 10, true)).as("its own trap ran").containsSubsequence("ready", "stopping");
    }

    private List<String> run(Optional<RankIsolation> isolation) throws Exception {
        RankProcess rank = RankProcess.start(assignment(ATTACK.replace("DATA", data.toString())), "127.0.0.1:1",
                rankDirectory, RankProcess.Launcher.best(), isolation);
        assertThat(rank.waitFor(WAIT_MAX)).as("the rank's exit").isZero();
        return rank.linesFrom(0, 100, true);
    }

    private static Assignment assignment(String command) {
        return new Assignment("c", 0, 1, Runtimes.PROCESS, command, Map.of(), null, List.of(), false);
    }
}
