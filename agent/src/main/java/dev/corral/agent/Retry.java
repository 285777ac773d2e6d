package dev.corral.agent;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries for reports the coordinator must receive (a rank started or exited),
 * long enough to ride out a coordinator restart. A 4xx answer is final: retrying cannot help.
 */
final class Retry {
    static final int ATTEMPTS_MAX = 40;
    static final Duration DELAY_FIRST = Duration.ofMillis(200);
    static final Duration DELAY_MAX = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    @FunctionalInterface
    interface Call {
        void run() throws IOException, InterruptedException;
    }

    private Retry() {}

    /** True if the call succeeded; false if it was refused or every attempt failed. */
    static boolean call(String what, Call call) throws InterruptedException {
        Duration delay = DELAY_FIRST;
        for (int attempt = 1; attempt <= ATTEMPTS_MAX; attempt++) {
            try {
                call.run();
                return true;
            } catch (AgentClient.RefusedException e) {
                if (e.isFinal()) {
                    LOG.warn("{} refused: {}", what, e.getMessage());
                    return false;
                }
                LOG.debug("{} failed (attempt {}): {}", what, attempt, e.getMessage());
            } catch (IOException e) {
                LOG.debug("{} failed (attempt {}): {}", what, attempt, e.toString());
            }
            Thread.sleep(delay.toMillis());
            delay = next(delay);
        }
        LOG.warn("{} failed {} times; giving up", what, ATTEMPTS_MAX);
        return false;
    }

    static Duration next(Duration delay) {
        Duration doubled = delay.multipliedBy(2);
        return doubled.compareTo(DELAY_MAX) > 0 ? DELAY_MAX : doubled;
    }
}
