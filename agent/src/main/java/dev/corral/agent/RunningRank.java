package dev.corral.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A rank this agent started, in whichever runtime: its exit, its output and its stop. */
interface RunningRank {
    /** Waits up to the timeout; the exit code if the rank ended. */
    Integer waitFor(Duration timeout) throws InterruptedException;

    /**
     * Lines from index {@code from} on, at most {@code max} of them, after reading what the rank
     * wrote since the last call ({@code ended}: the rank has exited, so its unfinished last line
     * counts). Called by the one thread that ships the rank's output.
     */
    List<String> linesFrom(int from, int max, boolean ended);

    /** Why the agent ended the rank itself (it broke a limit), once it has; empty while it runs or when it exited. */
    default Optional<String> endedBecause() {
        return Optional.empty();
    }

    /** Asks the rank to stop, kills what is left of it after a grace period, and removes what it left behind. */
    void stop() throws InterruptedException;
}
