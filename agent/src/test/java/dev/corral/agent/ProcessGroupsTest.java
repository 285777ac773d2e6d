package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What this machine's kernel says about a rank's process group: who is in it, and who still runs. */
class ProcessGroupsTest {
    private static final Duration WAIT_MAX = Duration.ofSeconds(10);

    @Test
    void aChildThatHasExitedButIsNotCollectedYetIsFoundButDoesNotCountAsRunning() throws Exception {
        // The shell starts a child that exits at once, then becomes a sleep that never collects it: a zombie.
        List<String> command = ProcessGroups.inNewGroup(List.of("sh", "-c", "sleep 0 & exec sleep 300")).orElseThrow();
        Process leader = new ProcessBuilder(command).start();
        try {
            long group = leader.pid();
            Set<Long> children = await(() -> ProcessGroups.descendants(group).filter(found -> !found.isEmpty()));

            assertThat(children).hasSize(1);
            await(() -> ProcessGroups.anyRunning(children, group) ? Optional.empty() : Optional.of(true));
            assertThat(ProcessGroups.signal(group, ProcessGroups.EXISTS)).as("the zombie keeps the group").isTrue();
            assertThat(ProcessGroups.anyRunning(Set.of(group), group)).as("the leader runs").isTrue();
            assertThat(ProcessGroups.anyRunning(Set.of(group), group + 1)).as("in another group").isFalse();
        } finally {
            leader.destroyForcibly();
        }
    }

    @Test
    void aProcessThatIsGoneHasNoDescendantsAndDoesNotRun() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        assertThat(ProcessGroups.descendants(gone.pid())).contains(Set.of());
        assertThat(ProcessGroups.anyRunning(Set.of(gone.pid()), gone.pid())).isFalse();
    }

    private static <T> T await(Supplier<Optional<T>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MAX.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = condition.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("not within " + WAIT_MAX);
    }
}
