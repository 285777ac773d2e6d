package dev.corral.server.devices;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkBoardTest {
    private final WorkBoard board = new WorkBoard();
    private final DeviceId device = DeviceId.random();

    @Test
    void aVersionIsKnownCurrentOnlyAtTheGenerationItWasComputedAtAndUntilTheNextSignal() {
        long generation = board.generation(device);
        assertThat(board.unchanged(device, generation, "v1")).as("nothing computed yet").isFalse();

        board.computed(device, generation, "v1");
        assertThat(board.unchanged(device, generation, "v1")).isTrue();
        assertThat(board.unchanged(device, generation, "v0")).as("another version").isFalse();
        assertThat(board.unchanged(DeviceId.random(), generation, "v1")).as("another device").isFalse();

        board.signal(device);
        assertThat(board.unchanged(device, generation, "v1")).as("a change was signalled").isFalse();
        long next = board.generation(device);
        assertThat(board.unchanged(device, next, "v1")).as("not computed since the signal").isFalse();

        board.computed(device, next, "v2");
        board.computed(device, generation, "v1");
        assertThat(board.unchanged(device, next, "v2")).as("a late, older computation does not replace it").isTrue();
    }

    @Test
    void aWaitingPollWakesOnASignalAndOtherwiseWhenItsWaitRunsOut() throws Exception {
        long generation = board.generation(device);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                board.awaitChange(device, generation, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        board.signal(device);
        waiting.get(5, TimeUnit.SECONDS);

        long started = System.nanoTime();
        board.awaitChange(device, board.generation(device), Duration.ofMillis(200));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }
}
