package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Json;
import dev.corral.core.api.ClusterView;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.protocol.LogBatch;
import dev.corral.core.protocol.RankExited;
import dev.corral.core.protocol.RankStarted;
import dev.corral.core.protocol.RegisterRequest;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.sdk.CorralClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AgentSecurityTest extends NetworkTest {
    CorralClient owner;
    RawAgent device;

    @BeforeEach
    void registerADevice() throws Exception {
        owner = network.customer("owner", null);
        device = new RawAgent(network.url, network.clock);
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody()).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestSignedByAnotherKeyIsRefused() throws Exception {
        RawAgent impostor = new RawAgent(network.url, network.clock);
        impostor.deviceId = device.deviceId;
        HttpResponse<String> response = impostor.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody());
        assertRefused(response, "bad_signature");
    }

    @Test
    void aReplayedRequestIsRefused() throws Exception {
        byte[] body = device.heartbeatBody();
        Map<String, String> headers = device.signed("POST", "/agent/v1/heartbeat", body, network.clock.instant());
        assertThat(device.send("POST", "/agent/v1/heartbeat", body, headers).statusCode()).isEqualTo(200);
        assertRefused(device.send("POST", "/agent/v1/heartbeat", body, headers), "replayed");
        network.restartCoordinator();
        // The restarted coordinator has forgotten the nonce; the timestamp, older than its start, refuses the request.
        HttpResponse<String> afterRestart = device.send("POST", "/agent/v1/heartbeat", body, headers);
        assertThat(afterRestart.statusCode()).as(afterRestart.body()).isEqualTo(503);
        assertThat(Json.mapper().readTree(afterRestart.body()).get("error").asText()).isEqualTo("signed_before_start");
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", body).statusCode()).as("signed anew").isEqualTo(200);
    }

    @Test
    void requestsTooFarFromTheCoordinatorsClockAreRefused() throws Exception {
        byte[] body = device.heartbeatBody();
        for (Duration skew : List.of(Duration.ofSeconds(-120), Duration.ofSeconds(120))) {
            Map<String, String> headers = device.signed("POST", "/agent/v1/heartbeat", body,
                    network.clock.instant().plus(skew));
            assertRefused(device.send("POST", "/agent/v1/heartbeat", body, headers), "stale");
        }
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() throws Exception {
        byte[] body = device.heartbeatBody();
        Map<String, String> headers = device.signed("POST", "/agent/v1/heartbeat", body, network.clock.instant());
        byte[] tampered = new String(body, UTF_8).replace("raw test CPU", "NVIDIA H100").getBytes(UTF_8);
        assertRefused(device.send("POST", "/agent/v1/heartbeat", tampered, headers), "bad_signature");
    }

    @Test
    void unsignedRequestsAndUnknownDevicesAreRefused() throws Exception {
        assertRefused(device.send("POST", "/agent/v1/heartbeat", device.heartbeatBody(), Map.of()), "unsigned");
        assertRefused(device.send("GET", "/agent/v1/work", new byte[0], Map.of(AgentSignature.HEADER_DEVICE,
                device.deviceId)), "unsigned");
        RawAgent stranger = new RawAgent(network.url, network.clock);
        stranger.deviceId = "dev_00000000000000000000";
        assertRefused(stranger.signedSend("GET", "/agent/v1/work", new byte[0]), "unknown_device");
    }

    @Test
    void aJoinTokenServesOneKeyAndRegistrationMustBeSignedByThePresentedKey() throws Exception {
        String token = owner.joinToken().token();
        RawAgent first = new RawAgent(network.url, network.clock);
        assertThat(first.register(token).statusCode()).isEqualTo(201);
        RawAgent second = new RawAgent(network.url, network.clock);
        assertRefused(second.register(token), "unauthorized");

        RawAgent mismatched = new RawAgent(network.url, network.clock);
        RawAgent signer = new RawAgent(network.url, network.clock);
        byte[] body = RawAgent.json(new RegisterRequest(owner.joinToken().token(),
                AgentSignature.encodePublicKey(mismatched.keys.getPublic()), RawAgent.CPU, null, "127.0.0.1", List.of()));
        assertRefused(signer.send("POST", "/agent/v1/register", body, AgentSignature.sign(signer.keys.getPrivate(),
                "POST", "/agent/v1/register", null, body, network.clock.instant())), "bad_signature");
        assertThat(owner.devices()).hasSize(2);
    }

    @Test
    void aDeviceCannotReportOnARankOfAnotherDevice() throws Exception {
        assertThat(device.answer(device.nextChallenge(), true)).as("verified, so it can be placed").contains("PASSED");
        // Online throughout: a hand-registered device must not race the 2 s heartbeat timeout.
        try (AutoCloseable online = device.keepBeating()) {
            CorralClient alice = network.customer("alice", "5");
            ClusterView cluster = alice.deploy(cpu(1, 1, "true"), null);
            assertThat(cluster.ranks().getFirst().deviceId()).isEqualTo(device.deviceId);
            RawAgent other = new RawAgent(network.url, network.clock);
            other.register(owner.joinToken().token());
            String started = "/agent/v1/clusters/" + cluster.clusterId() + "/started";
            byte[] body = RawAgent.json(new RankStarted(0, "127.0.0.1:40000"));

            HttpResponse<String> refused = other.signedSend("POST", started, body);
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(alice.cluster(cluster.clusterId()).state()).isEqualTo("PENDING");
            String clusterPath = "/agent/v1/clusters/" + cluster.clusterId();
            assertThat(other.signedSend("POST", "/agent/v1/work", RawAgent.json(new WorkPoll(List.of(
                    new WorkPoll.StartedRank(cluster.clusterId(), 0, "127.0.0.1:40000"))))).statusCode())
                    .as("a start report carried by a work poll").isEqualTo(404);
            assertThat(other.signedSend("POST", clusterPath + "/exited", RawAgent.json(new RankExited(0, 1, null)))
                    .statusCode()).as("an exit report").isEqualTo(404);
            assertThat(other.signedSend("POST", clusterPath + "/logs",
                    RawAgent.json(new LogBatch(0, 0, List.of("forged output")))).statusCode()).as("a log batch").isEqualTo(404);
            assertThat(alice.cluster(cluster.clusterId()).state()).isEqualTo("PENDING");
            assertThat(alice.logs(cluster.clusterId(), null).lines()).isEmpty();

            assertThat(device.signedSend("POST", started, body).statusCode()).isEqualTo(200);
            assertThat(alice.cluster(cluster.clusterId()).state()).isEqualTo("RUNNING");
            alice.terminate(cluster.clusterId());
        }
    }

    @Test
    void refusalsAreCountedInTheMetrics() throws Exception {
        RawAgent impostor = new RawAgent(network.url, network.clock);
        impostor.deviceId = device.deviceId;
        impostor.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody());
        String metrics = device.send("GET", "/metrics", new byte[0], Map.of()).body();
        assertThat(metrics).contains("corral_agent_requests_refused_total{reason=\"bad_signature\"} 1.0");
    }

    private void assertRefused(HttpResponse<String> response, String error) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(Json.mapper().readTree(response.body()).get("error").asText()).isEqualTo(error);
    }
}
