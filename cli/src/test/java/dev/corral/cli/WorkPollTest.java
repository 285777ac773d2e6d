package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Json;
import dev.corral.core.protocol.WorkResponse;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The work long-poll is held as long as the agent asks, never longer than the coordinator allows. */
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
