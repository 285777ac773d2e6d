package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.Runtimes;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.protocol.Assignment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranks in real containers, through the engine on this machine (Podman's service in CI). */
class RankContainerTest {
    private static final ContainerPlan.DeviceLimits LIMITS = new ContainerPlan.DeviceLimits(512, 1, List.of());
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);
    private static final String DEVICE = "dev_containertest";

    @TempDir
    Path directory;
    private ContainerEngine engine;
    private String image;
    private final List<RankContainer> started = new ArrayList<>();

    @BeforeEach
    void engine() throws Exception {
        engine = TestImages.engine();
        image = TestImages.busybox();
    }

    @AfterEach
    void removeContainers() {
        started.forEach(RankContainer::stop);
    }

    @Test
    void aRanksOutputAndExitCodeComeThroughTheEngineAndStoppingRemovesItsContainer() throws Exception {
        RankContainer rank = start("clu_out", "echo hello from rank $CORRAL_RANK of $CORRAL_WORLD_SIZE; exit 3");

        assertThat(rank.waitFor(EXIT_WAIT)).isEqualTo(3);
        assertThat(rank.linesFrom(0, 10, true)).containsExactly("hello from rank 0 of 1");
        rank.stop();
        assertThat(engine.ranksOf(DEVICE)).as("the container and its scratch space are gone").isEmpty();
    }

    @Test
    void stoppingARunningRankEndsItWithinTheGraceAndRemovesIt() throws Exception {
        RankContainer rank = start("clu_stop", "echo up; sleep 300");
        awaitLine(rank, "up");

        long begun = System.nanoTime();
        rank.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(RankContainer.STOP_GRACE.plusSeconds(10));
        assertThat(rank.waitFor(EXIT_WAIT)).isNotNull();
        assertThat(engine.ranksOf(DEVICE)).isEmpty();
    }

    /**
     * The attack found on the process runtime: a rank read the supplier's device key through a
     * relative path and printed it. In a container nothing of the agent's directory exists.
     */
    @Test
    void aRankCannotReadTheAgentsDeviceKeyNorSeeItsDirectory() throws Exception {
        Path key = directory.resolve(DeviceIdentity.KEY_FILE);
        Files.writeString(key, "the supplier's private key");
        RankContainer rank = start("clu_key", "cat " + key.toAbsolutePath() + " ../../" + DeviceIdentity.KEY_FILE
                + " /proc/1/root" + key.toAbsolutePath() + "; ls " + directory.toAbsolutePath()
                + "; echo uid=$(id -u) done");

        assertThat(rank.waitFor(EXIT_WAIT)).isNotNull();
        List<String> output = rank.linesFrom(0, 100, true);
        assertThat(output).noneMatch(line -> line.contains("private key"));
        assertThat(output).anyMatch(line -> line.contains("No such file or directory"));
        // The command ran to its end (its stderr and stdout lines may arrive in either order).
        assertThat(output).anyMatch(line -> line.endsWith("done"));
    }

    @Test
    void anImageThatCannotBePulledFailsWithAReasonNamingIt() {
        assertThatThrownBy(() -> start("clu_noimage", "true", "localhost:1/corral-test/absent:1"))
                .isInstanceOf(ContainerEngine.ImageUnavailable.class)
                .hasMessageContaining("localhost:1/corral-test/absent:1")
                .hasMessageContaining("its registry cannot be reached from the device");
    }

    private RankContainer start(String cluster, String command) throws Exception {
        return start(cluster, command, image);
    }

    private RankContainer start(String cluster, String command, String imageName) throws Exception {
        Assignment assignment = new Assignment(cluster, 0, 1, Runtimes.CONTAINER, command, Map.of(), null, List.of(),
                false, new ContainerSpec(imageName, null, null, null, null));
        ContainerPlan plan = ContainerPlan.of(DEVICE, assignment, "127.0.0.1:1", Optional.empty(), List.of(), LIMITS,
                engine.reach("127.0.0.1"));
        RankContainer rank = engine.start(plan, directory.resolve(cluster).resolve("rank.log"), new PullTally());
        started.add(rank);
        return rank;
    }

    private static void awaitLine(RankContainer rank, String line) throws InterruptedException {
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        while (!rank.linesFrom(0, 100, false).contains(line)) {
            assertThat(System.nanoTime()).as("'" + line + "' within " + EXIT_WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
