package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Json;
import dev.corral.core.api.ClusterView;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.sdk.CorralClient;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The work long-poll: held as long as the agent asks, never longer than the coordinator allows,
 * and carrying the agent's start reports.
 */
class WorkPollTest extends NetworkTest {
    @Test
    void aPollIsHeldForTheWaitTheAgentAsksCappedByTheCoordinatorAndABadWaitIsRefused() throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        assertThat(device.register(network.customer("owner", null).joinToken().token()).statusCode()).isEqualTo(201);
        // Its work holds its join challenge from now on (sent once issued, just after joining).
        device.nextChallenge();
        HttpResponse<String> first = device.signedSend("GET", "/agent/v1/work", new byte[0]);
        assertThat(first.statusCode()).isEqualTo(200);
        String version = Json.mapper().readValue(first.body(), WorkResponse.class).version();

        // TestNetwork.POLL_WAIT (2 s) is the most the coordinator holds a poll.
        assertThat(heldSeconds(device, version, "1")).isBetween(1.0, 1.9);
        assertThat(heldSeconds(device, version, "3600")).as("capped").isBetween(2.0, 10.0);

        for (String bad : new String[] {"0", "-5", "soon", "99999999999"}) {
            HttpResponse<String> refused = device.signedSend("GET", "/agent/v1/work?known=" + version + "&wait=" + bad,
                    new byte[0]);
            assertThat(refused.statusCode()).as("wait=" + bad).isEqualTo(400);
            assertThat(refused.body()).contains("wait");
        }
    }

    @Test
    void aPollCarriesStartReportsAllCheckedBeforeAnyIsRecordedAndOnesForAnEndedClusterArePassedOver()
            throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        assertThat(device.register(network.customer("owner", null).joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(device.answer(device.nextChallenge(), true)).as("verified, so it can be placed").contains("PASSED");
        // Online throughout: a hand-registered device must not race the 2 s heartbeat timeout.
        try (AutoCloseable online = device.keepBeating()) {
            CorralClient alice = network.customer("alice", "5");
            String cluster = alice.deploy(cpu(1, 1, "sleep 60"), null).clusterId();
            WorkPoll.StartedRank rank0 = new WorkPoll.StartedRank(cluster, 0, "127.0.0.1:40000");

            // A good report beside one for a rank this device does not hold, then rank 0 without its address.
            assertThat(poll(device, rank0, new WorkPoll.StartedRank(cluster, 1, null)).statusCode()).isEqualTo(404);
            assertThat(poll(device, new WorkPoll.StartedRank(cluster, 0, null)).body()).contains("headAddr");
            assertThat(alice.cluster(cluster).state()).as("nothing recorded").isEqualTo("PENDING");

            HttpResponse<String> answered = poll(device, rank0);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(Json.mapper().readValue(answered.body(), WorkResponse.class).assignments()).singleElement()
                    .satisfies(assignment -> assertThat(assignment.headAddr()).isEqualTo("127.0.0.1:40000"));
            ClusterView running = alice.cluster(cluster);
            assertThat(running.state()).isEqualTo("RUNNING");

            assertThat(poll(device, rank0).statusCode()).as("a poll sent again").isEqualTo(200);
            assertThat(alice.cluster(cluster).ranks().getFirst().startedAt()).isEqualTo(
                    running.ranks().getFirst().startedAt());
            alice.terminate(cluster);
            assertThat(poll(device, rank0).statusCode()).as("the cluster has ended").isEqualTo(200);
            assertThat(alice.cluster(cluster).state()).isEqualTo("TERMINATED");
        }
    }

    private static HttpResponse<String> poll(RawAgent device, WorkPoll.StartedRank... started) throws Exception {
        return device.signedSend("POST", "/agent/v1/work?wait=1", RawAgent.json(new WorkPoll(List.of(started))));
    }

    private static double heldSeconds(RawAgent device, String version, String wait) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = device.signedSend("GET", "/agent/v1/work?known=" + version + "&wait=" + wait,
                new byte[0]);
        double held = (System.nanoTime() - start) / 1e9;
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readValue(answer.body(), WorkResponse.class).version()).isEqualTo(version);
        return held;
    }
}
