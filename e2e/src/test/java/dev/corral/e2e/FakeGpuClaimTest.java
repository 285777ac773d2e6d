package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.DeviceKind;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * io.net's fake GPUs, re-run: a CPU-only machine whose agent is given an nvidia-smi that claims
 * 8 x H100 computes its challenges on the CPU (there is no GPU to run the CUDA engine on), so it
 * proves CPU cores only: it is offered, counted and placed as a CPU device, never as an H100.
 */
class FakeGpuClaimTest extends NetworkTest {
    @Test
    void aCpuMachineWithAFakeNvidiaSmiClaimingEightH100sIsNeverOfferedOrPlacedAsAnH100() throws Exception {
        Path fake = directory.resolve("nvidia-smi");
        Files.writeString(fake, """
                #!/bin/sh
                case "$1" in
                  --query-gpu=name,*) for i in 1 2 3 4 5 6 7 8; do echo 'NVIDIA H100 80GB HBM3, 81559, 580.159.04'; done ;;
                  *) for i in 1 2 3 4 5 6 7 8; do echo '0, 35, 70.5, 0'; done ;;
                esac
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        CorralClient mallory = network.customer("mallory", null);
        network.agentWithNvidiaSmi(mallory, fake);
        network.awaitIdleDevices(1);

        DeviceView device = mallory.devices().getFirst();
        assertThat(device.hardware().kind()).as("what it claims").isEqualTo(DeviceKind.GPU);
        assertThat(device.hardware().gpuCount()).isEqualTo(8);
        assertThat(device.runtimes()).as("no CUDA engine: its challenges ran on the CPU").doesNotContain("cuda");
        assertThat(device.statusReason()).contains("offered as a CPU device");

        assertThat(network.anonymous.offers(null, null)).as("offers").allSatisfy(offer ->
                assertThat(offer.toString()).doesNotContain("H100"));
        assertThat(network.offered()).as("devices offered").isEqualTo(1);
        assertThat(network.anonymous.networkStats().devicesOnlineByModel()).as("devices online by model")
                .doesNotContainKey("H100").containsEntry("CPU", 1);

        CorralClient alice = network.customer("alice", "500");
        DeployRequest h100 = new DeployRequest(null, "H100", null, 8, 1, 1, null, "process", "echo pwned", Map.of(),
                null, null);
        assertThat(alice.quote(h100).devicesAvailable()).as("H100 devices a quote finds").isZero();
        assertThatThrownBy(() -> alice.deploy(h100, null)).isInstanceOf(CorralException.class);
        DeployRequest oneH100 = new DeployRequest(null, "H100", null, 1, 1, 1, null, "process", "echo pwned", Map.of(),
                null, null);
        assertThatThrownBy(() -> alice.deploy(oneH100, null)).isInstanceOf(CorralException.class);
        assertThat(alice.clusters()).as("nothing placed on it as an H100").isEmpty();

        // What it proved it is, it sells: a CPU deploy is placed on it.
        ClusterView cpu = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "echo a CPU job; sleep 5"), null);
        network.awaitState(alice, cpu.clusterId(), "RUNNING", "COMPLETED");
    }
}
