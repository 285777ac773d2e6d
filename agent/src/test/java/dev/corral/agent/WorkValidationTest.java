package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Runtimes;
import dev.corral.core.protocol.Assignment;
import dev.corral.core.protocol.ChallengeTask;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkValidationTest {
    @Test
    void anAssignmentWhoseClusterIdIsNotAnIdOrWhoseRankIsOutsideItsClusterIsNotRun() {
        assertThat(WorkValidation.problem(assignment("clu_0123456789abcdef0123", 1, 2))).isEmpty();
        for (String id : List.of("../../etc", "clu_0123456789abcdef0123/../x", "clu_0123456789ABCDEF0123", "clu_1", "")) {
            assertThat(WorkValidation.problem(assignment(id, 0, 1))).as(id).contains("its cluster id is not an id");
        }
        assertThat(WorkValidation.problem(assignment("clu_0123456789abcdef0123", 2, 2))).isPresent();
        assertThat(WorkValidation.problem(assignment("clu_0123456789abcdef0123", -1, 2))).isPresent();
    }

    @Test
    void aChallengeIdGoesIntoAUrlOnlyWhenItIsAnId() {
        assertThat(WorkValidation.valid(new ChallengeTask("chl_0123456789abcdef0123", 0, 1, 64, null, Instant.EPOCH))).isTrue();
        assertThat(WorkValidation.valid(new ChallengeTask("chl_0123456789abcdef0123/../../x", 0, 1, 64, null, Instant.EPOCH)))
                .isFalse();
        assertThat(WorkValidation.valid(new ChallengeTask("../register", 0, 1, 64, null, Instant.EPOCH))).isFalse();
    }

    private static Assignment assignment(String cluster, int rank, int world) {
        return new Assignment(cluster, rank, world, Runtimes.PROCESS, "true", Map.of(), null, List.of(), false);
    }
}
