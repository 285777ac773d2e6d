package dev.corral.agent;

import dev.corral.core.ClusterId;
import dev.corral.core.Ids;
import dev.corral.core.protocol.Assignment;
import dev.corral.core.protocol.ChallengeTask;
import java.util.Optional;

/**
 * What the agent checks of the work it is sent before it uses any of it: every id it puts in a
 * file path or a URL has the shape of an id (a cluster id such as {@code ../../etc} would lead
 * its rank's directory out of the data directory), and a rank's place is within its cluster.
 * Pure.
 */
final class WorkValidation {
    /** The prefix of a challenge's id, as the coordinator makes them. */
    static final String CHALLENGE_PREFIX = "chl";

    private WorkValidation() {}

    /** Why this assignment cannot be run, or empty when it can. */
    static Optional<String> problem(Assignment assignment) {
        if (!Ids.looksLike(assignment.clusterId(), ClusterId.PREFIX)) {
            return Optional.of("its cluster id is not an id");
        }
        if (assignment.worldSize() < 1 || assignment.rank() < 0 || assignment.rank() >= assignment.worldSize()) {
            return Optional.of("rank " + assignment.rank() + " is not within its cluster of " + assignment.worldSize());
        }
        return Optional.empty();
    }

    /** Whether this challenge's id is an id, which the agent puts in the URL of its answer. */
    static boolean valid(ChallengeTask task) {
        return Ids.looksLike(task.challengeId(), CHALLENGE_PREFIX);
    }
}
