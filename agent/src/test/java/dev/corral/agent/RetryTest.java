package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which refusals an agent's report is sent again after, each attempt signed anew. */
class RetryTest {
    @Test
    void aStaleRefusalIsTriedAgainAndAnyOtherRefusalIsFinal() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        boolean sent = Retry.call("start report", () -> {
            if (attempts.incrementAndGet() == 1) {
                // What a loaded coordinator answers a request that waited over a minute in its queue.
                throw new AgentClient.RefusedException(401, "{\"error\":\"stale\"}", "stale");
            }
        });
        assertThat(sent).isTrue();
        assertThat(attempts).hasValue(2);

        attempts.set(0);
        boolean forged = Retry.call("start report", () -> {
            attempts.incrementAndGet();
            throw new AgentClient.RefusedException(401, "{\"error\":\"bad_signature\"}", "bad_signature");
        });
        assertThat(forged).isFalse();
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aServerErrorIsTriedAgain() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        assertThat(Retry.call("exit report", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new AgentClient.RefusedException(503, "busy", "busy");
            }
        })).isTrue();
        assertThat(attempts).hasValue(3);
    }
}
