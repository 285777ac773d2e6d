package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Crc32c;
import dev.corral.core.api.DeviceView;
import dev.corral.scheduler.ConnectivityTier;
import dev.corral.sdk.CorralClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** The coordinator measures each device's link both ways and sets its connectivity tier from it. */
@OnBothStores
class BandwidthTest {
    @Parameter
    TestNetwork.Store store;
    static final int PROBE_BYTES = 8 << 20;

    @Test
    void anAgentHasItsLinkMeasuredOnStartAndItsConnectivityTierFollows(@TempDir Path directory) throws Exception {
        try (TestNetwork network = TestNetwork.on(store, directory)) {
            CorralClient owner = network.customer("owner", null);
            String device = network.agentMeasuringBandwidth(owner).deviceId().value();
            TestNetwork.await("a bandwidth measurement", () -> owner.device(device).bandwidth() != null);
            DeviceView view = owner.device(device);
            assertThat(view.bandwidth().downMbps()).isPositive();
            assertThat(view.bandwidth().upMbps()).isPositive();
            assertThat(view.connectivityTier())
                    .isEqualTo(ConnectivityTier.of(view.bandwidth().downMbps(), view.bandwidth().upMbps()));
            network.awaitIdleDevices(1);
            assertThat(network.anonymous.offers("connectivity=" + view.connectivityTier(), null))
                    .as("placement's index has the measured tier").isNotEmpty();
        }
    }

    @Test
    void aProbeThatDoesNotHoldUpIsRefusedAndRecordsNothing(@TempDir Path directory) throws Exception {
        try (TestNetwork network = TestNetwork.on(store, directory)) {
            CorralClient owner = network.customer("owner", null);
            RawAgent device = registered(network, owner);
            RawAgent other = registered(network, owner);

            HttpResponse<byte[]> download = device.signedDownload("/agent/v1/bandwidth/download");
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).hasSize(PROBE_BYTES);
            String probe = download.headers().firstValue("Corral-Probe").orElseThrow();
            String upload = "/agent/v1/bandwidth/" + probe + "/upload?crc32c=" + Crc32c.hex(download.body());

            assertThat(upload(other, upload, PROBE_BYTES).statusCode()).as("another device cannot finish it")
                    .isEqualTo(404);
            assertThat(device.send("POST", upload, new byte[PROBE_BYTES],
                    device.signed("POST", upload, new byte[PROBE_BYTES], network.clock.instant())).statusCode())
                    .as("the filler is not signed: a request signed over it is not this request").isEqualTo(401);
            HttpResponse<String> tooShort = upload(device, upload, PROBE_BYTES / 2);
            assertThat(tooShort.statusCode()).isEqualTo(400);
            assertThat(tooShort.body()).contains("upload exactly " + PROBE_BYTES + " bytes");
            assertThat(upload(device, upload, PROBE_BYTES).statusCode()).as("a probe is used once").isEqualTo(404);

            HttpResponse<byte[]> second = device.signedDownload("/agent/v1/bandwidth/download");
            String secondProbe = second.headers().firstValue("Corral-Probe").orElseThrow();
            HttpResponse<String> wrongCrc = upload(device, "/agent/v1/bandwidth/" + secondProbe + "/upload?crc32c="
                    + Crc32c.hex(new byte[PROBE_BYTES]), PROBE_BYTES);
            assertThat(wrongCrc.statusCode()).isEqualTo(400);
            assertThat(wrongCrc.body()).contains("download the probe in full");
            assertThat(upload(device, "/agent/v1/bandwidth/bw_000000000000000000000000/upload?crc32c=0", PROBE_BYTES)
                    .statusCode()).isEqualTo(404);

            DeviceView unchanged = owner.device(device.deviceId);
            assertThat(unchanged.bandwidth()).isNull();
            assertThat(unchanged.connectivityTier()).isEqualTo(1);

            HttpResponse<byte[]> third = device.signedDownload("/agent/v1/bandwidth/download");
            String thirdUpload = "/agent/v1/bandwidth/" + third.headers().firstValue("Corral-Probe").orElseThrow()
                    + "/upload?crc32c=" + Crc32c.hex(third.body());
            HttpResponse<String> measured = upload(device, thirdUpload, PROBE_BYTES);
            assertThat(measured.statusCode()).isEqualTo(200);
            assertThat(measured.body()).contains("downMbps", "upMbps", "connectivityTier");
            assertThat(owner.device(device.deviceId).bandwidth()).isNotNull();
        }
    }

    @Test
    void atMostEightProbesRunAtOnceAndAnUnfinishedOneExpires(@TempDir Path directory) throws Exception {
        try (TestNetwork network = TestNetwork.on(store, directory)) {
            CorralClient owner = network.customer("owner", null);
            RawAgent device = registered(network, owner);
            List<HttpResponse<byte[]>> started = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                started.add(device.signedDownload("/agent/v1/bandwidth/download"));
                assertThat(started.getLast().statusCode()).isEqualTo(200);
            }
            HttpResponse<byte[]> ninth = device.signedDownload("/agent/v1/bandwidth/download");
            assertThat(ninth.statusCode()).isEqualTo(503);
            assertThat(new String(ninth.body(), StandardCharsets.UTF_8)).contains("try later");

            network.clock.advance(Duration.ofSeconds(61));
            HttpResponse<byte[]> first = started.getFirst();
            HttpResponse<String> late = upload(device, "/agent/v1/bandwidth/"
                    + first.headers().firstValue("Corral-Probe").orElseThrow() + "/upload?crc32c="
                    + Crc32c.hex(first.body()), PROBE_BYTES);
            assertThat(late.statusCode()).isEqualTo(409);
            assertThat(late.body()).contains("expired");
            assertThat(owner.device(device.deviceId).bandwidth()).isNull();
            assertThat(device.signedDownload("/agent/v1/bandwidth/download").statusCode())
                    .as("the expired probes gave their places back").isEqualTo(200);
        }
    }

    /** A hand-driven device of this owner, registered. */
    private static RawAgent registered(TestNetwork network, CorralClient owner) throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        return device;
    }

    /** An upload as the agent sends it: this many bytes of filler, the request signed over an empty body. */
    private static HttpResponse<String> upload(RawAgent device, String path, int bytes) throws Exception {
        return device.send("POST", path, new byte[bytes], device.signed("POST", path, new byte[0],
                device.clock.instant()));
    }
}
