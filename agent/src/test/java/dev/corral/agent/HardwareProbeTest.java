package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareProbeTest {
    @Test
    void withoutNvidiaSmiTheMachineIsACpuDeviceAndNoGpuIsInvented(@TempDir Path dir) throws Exception {
        HardwareSpec spec = new HardwareProbe("/nonexistent/nvidia-smi").detect(dir);
        assertThat(spec.kind()).isEqualTo(DeviceKind.CPU);
        assertThat(spec.diskGb()).as("the free space where the ranks' files go, in whole GB")
                .isCloseTo(Files.getFileStore(dir).getUsableSpace() / 1_000_000_000L, within(1L));
        assertThat(spec.gpuCount()).isZero();
        assertThat(spec.cpuCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(new HardwareProbe("/nonexistent/nvidia-smi").telemetry(spec).gpus()).isEmpty();
    }

    @Test
    void aFailingNvidiaSmiAlsoMeansCpu(@TempDir Path dir) throws Exception {
        Path failing = script(dir, "exit 9");
        assertThat(new HardwareProbe(failing.toString()).detect(dir).kind()).isEqualTo(DeviceKind.CPU);
    }

    @Test
    void reportsTheGpusAFakeNvidiaSmiPrintsBecauseNoGpuIsLent(@TempDir Path dir) throws Exception {
        Path fake = script(dir, """
                case "$1" in
                  --query-gpu=name,*) printf 'NVIDIA H100 80GB HBM3, 81559, 580.159.04\\nNVIDIA H100 80GB HBM3, 81559, 580.159.04\\n' ;;
                  *) printf '55, 61, 300.5, 1024\\n12, 40, 90.0, 512\\n' ;;
                esac
                """);
        HardwareProbe probe = new HardwareProbe(fake.toString());
        HardwareSpec spec = probe.detect(dir);
        assertThat(spec.kind()).isEqualTo(DeviceKind.GPU);
        assertThat(spec.model().name()).isEqualTo("H100");
        assertThat(spec.gpuCount()).isEqualTo(2);
        assertThat(spec.vramMbPerGpu()).isEqualTo(81559);
        assertThat(spec.driverVersion()).isEqualTo("580.159.04");
        assertThat(probe.telemetry(spec).gpus()).hasSize(2)
                .first().satisfies(g -> assertThat(g.temperatureC()).isEqualTo(61));
    }

    private static Path script(Path dir, String body) throws Exception {
        Path file = dir.resolve("nvidia-smi");
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
