package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.OfferView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferSearchTest extends NetworkTest {
    private static final HardwareSpec EIGHT_H100 = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559,
            "580.159.04", "EPYC", 128, 2_000_000);
    private static final HardwareSpec ONE_H100_PCIE = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 PCIe", 1, 81_559,
            "580.159.04", "Xeon", 32, 256_000);
    private static final HardwareSpec ONE_4090 = new HardwareSpec(DeviceKind.GPU, "NVIDIA GeForce RTX 4090", 1, 24_564,
            "580.95", "Ryzen", 16, 64_000);

    @Test
    void offersGroupIdleDevicesByWhatIsRentedAndFilterAsAsked() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        device(supplier, EIGHT_H100, "eu-west");
        device(supplier, EIGHT_H100, "eu-west");
        device(supplier, ONE_4090, "us-east");
        device(supplier, ONE_H100_PCIE, "eu-west");
        network.awaitIdleDevices(6);

        List<OfferView> h100 = network.anonymous.offers("gpu=h100 vram>=79 region=eu-west", null);
        assertThat(h100).singleElement().satisfies(offer -> {
            assertThat(offer.available()).isEqualTo(2);
            assertThat(offer.gpusPerDevice()).isEqualTo(8);
            // 8 x 1.99 USD base x 0.8 for a pool with nothing hired
            assertThat(offer.pricePerDeviceHour().minor()).isEqualTo(12_736_000L);
            assertThat(offer.fp16Tflops()).isEqualTo(989.4);
        });
        // The PCIe card is offered apart from the SXM module, at its own price and catalog figures.
        assertThat(network.anonymous.offers("gpu=NVIDIA_H100_PCIe", null)).singleElement().satisfies(offer -> {
            assertThat(offer.gpuModel()).isEqualTo("H100 PCIE");
            // 1.49 USD base x 0.8 for a pool with nothing hired
            assertThat(offer.pricePerDeviceHour().minor()).isEqualTo(1_192_000L);
            assertThat(offer.fp16Tflops()).isEqualTo(756.5);
        });
        assertThat(network.anonymous.offers("kind=cpu", null)).singleElement()
                .satisfies(offer -> assertThat(offer.available()).isEqualTo(2));
        assertThat(network.anonymous.offers("gpu in h100,rtx_4090", "-price")).extracting(OfferView::gpuModel)
                .containsExactly("H100", "RTX 4090");
        assertThat(network.anonymous.offers("", "price")).extracting(OfferView::kind).first().isEqualTo("CPU");
        assertThat(network.anonymous.offers("vram>=100", null)).isEmpty();

        String certified = device(supplier, EIGHT_H100, "eu-central");
        supplier.updateDevice(certified, new DeviceUpdate(null, null, null, "DE", "datacenter"));
        network.admin.setTiers(certified, 4, 3);
        List<OfferView> listed = network.anonymous.offers("gpu=H100 country=DE supplier=datacenter security>=3", null);
        assertThat(listed).singleElement().satisfies(offer -> {
            assertThat(offer.region()).isEqualTo("eu-central");
            // demanding 2 security tiers above the first costs 20% more: 12.736 x 1.2
            assertThat(offer.pricePerDeviceHour().minor()).isEqualTo(15_283_200L);
        });
        assertThat(network.anonymous.offers("gpu=H100 connectivity>=4", null)).isEmpty();
        assertThat(supplier.device(certified)).satisfies(view -> {
            assertThat(view.country()).isEqualTo("DE");
            assertThat(view.supplierType()).isEqualTo("datacenter");
            assertThat(view.securityTier()).isEqualTo(4);
            // one passed challenge over the prior of one good and one bad event: 2/3
            assertThat(view.reputation()).isCloseTo(2.0 / 3, within(1e-6));
        });
        assertThatThrownBy(() -> supplier.updateDevice(certified, new DeviceUpdate(null, null, null, "Germany", null)))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.getMessage()).contains("two-letter"));
        assertThatThrownBy(() -> network.admin.setTiers(certified, 5, 1))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> supplier.setTiers(certified, 4, 4))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(supplier.device(certified).securityTier()).isEqualTo(4);

        assertThatThrownBy(() -> network.anonymous.offers("colour=red", null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("valid fields").contains("vram");
                });
        assertThatThrownBy(() -> network.anonymous.offers("", "cheapest"))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.getMessage()).contains("sort must be"));
    }

    @Test
    void aDeviceWhoseReadingsContradictItsClaimIsFlaggedAndNotOfferedUntilItHeals() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        RawAgent pretender = new RawAgent(network.url, network.clock);
        pretender.hardware = EIGHT_H100;
        pretender.runtimes = gpuEngineIfAny(EIGHT_H100);
        assertThat(pretender.register(supplier.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(pretender.answerAll(true)).contains("PASSED");
        Telemetry.GpuReading reading = new Telemetry.GpuReading(50, 60, 300, 10_000);
        assertThat(network.anonymous.offers("gpu=H100", null)).hasSize(1);

        pretender.signedSend("POST", "/agent/v1/heartbeat",
                pretender.heartbeatBody(new Telemetry(10, 1_000, Collections.nCopies(4, reading))));
        assertThat(supplier.device(pretender.deviceId).claimFlags())
                .containsExactly("claims 8 GPUs but reports readings for 4");
        assertThat(network.anonymous.offers("gpu=H100", null)).as("not offered while contradicted").isEmpty();

        pretender.signedSend("POST", "/agent/v1/heartbeat",
                pretender.heartbeatBody(new Telemetry(10, 1_000, Collections.nCopies(8, reading))));
        assertThat(supplier.device(pretender.deviceId).claimFlags()).isEmpty();
        assertThat(network.anonymous.offers("gpu=H100", null)).as("healed").hasSize(1);
    }

    /** Registers a hand-made GPU device that passes its first challenges (one a GPU), and returns its id. */
    private String device(CorralClient owner, HardwareSpec hardware, String region) throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        device.hardware = hardware;
        device.region = region;
        device.runtimes = gpuEngineIfAny(hardware);
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(device.answerAll(true)).contains("PASSED");
        return device.deviceId;
    }

    /** A GPU device computes its challenges on its GPU (the cuda runtime), as a real one does: only then is it offered as one. */
    private static List<String> gpuEngineIfAny(HardwareSpec hardware) {
        return hardware.kind() == DeviceKind.GPU ? List.of("process", "cuda") : List.of("process");
    }
}
