package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.Json;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.ChallengeRows;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.core.protocol.OpenedRow;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.sdk.CorralClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Devices are challenged when they join; honest answers pass, wrong and missing ones are recorded as such. */
class ChallengeTest extends NetworkTest {
    @Test
    void anHonestAgentPassesItsFirstChallenge() throws Exception {
        CorralClient owner = network.customer("owner", null);
        WorkerAgent agent = network.agent(owner);
        TestNetwork.await("the challenge answered", () -> owner.device(agent.deviceId().value()).lastChallenge() != null
                && owner.device(agent.deviceId().value()).lastChallenge().startsWith("PASSED"));
    }

    @Test
    void wrongRowsAreWrongSilenceIsMissingAndNoOneAnswersAnotherDevicesChallengeOrTwice() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent liar = registered(owner);
        RawAgent silent = registered(owner);

        ChallengeTask task = challengeOf(liar);
        String commit = "/agent/v1/challenges/" + task.challengeId() + "/commit";
        byte[] root = RawAgent.json(new ChallengeCommit("ab".repeat(32)));
        assertThat(silent.signedSend("POST", commit, root).statusCode()).as("another device's challenge").isEqualTo(404);
        HttpResponse<String> asked = liar.signedSend("POST", commit, root);
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(liar.signedSend("POST", commit, root).statusCode()).as("a second commitment").isEqualTo(409);
        int[] rows = Json.mapper().readValue(asked.body(), ChallengeRows.class).rows();
        assertThat(rows).hasSize(MatrixChallenge.ROWS_CHECKED);
        List<OpenedRow> made = new ArrayList<>();
        for (int row : rows) {
            made.add(new OpenedRow(row, new long[task.size()], List.of()));
        }
        HttpResponse<String> outcome = liar.signedSend("POST", "/agent/v1/challenges/" + task.challengeId() + "/open",
                RawAgent.json(new ChallengeOpening(made)));
        assertThat(outcome.body()).contains("WRONG");
        assertThat(owner.device(liar.deviceId).lastChallenge()).startsWith("WRONG");

        challengeOf(silent);
        network.clock.advance(ChallengePolicy.deadline(TestNetwork.CHALLENGE_SIZE).plus(ChallengePolicy.OPEN_GRACE)
                .plusSeconds(1));
        TestNetwork.await("the silent device's challenge expired",
                () -> owner.device(silent.deviceId).lastChallenge().startsWith("MISSING"));
    }

    private RawAgent registered(CorralClient owner) throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody()).statusCode()).isEqualTo(200);
        return device;
    }

    private ChallengeTask challengeOf(RawAgent device) throws Exception {
        ChallengeTask[] task = new ChallengeTask[1];
        TestNetwork.await("a challenge for " + device.deviceId, () -> {
            try {
                WorkResponse work = Json.mapper().readValue(
                        device.signedSend("GET", "/agent/v1/work", new byte[0]).body(), WorkResponse.class);
                task[0] = work.challenges().isEmpty() ? null : work.challenges().getFirst();
                return task[0] != null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(Duration.between(network.clock.instant(), task[0].deadline()))
                .isLessThanOrEqualTo(ChallengePolicy.deadline(TestNetwork.CHALLENGE_SIZE));
        return task[0];
    }
}
