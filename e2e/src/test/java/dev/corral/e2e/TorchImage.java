package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch image the torch cluster tests run, built here by {@code scripts/torch-image.sh}
 * (Debian's python3-torch; no registry is reachable): minutes the first time on a machine, then
 * found in the engine.
 */
final class TorchImage {
    /** A fresh machine runs debootstrap (about 2 minutes) and imports 1.6 GB. */
    private static final long BUILD_MINUTES_MAX = 15;
    private static String image;

    private TorchImage() {}

    static synchronized String name() throws IOException, InterruptedException {
        if (image != null) {
            return image;
        }
        TestImages.requireEngine();
        Path script = Path.of("..", "scripts", "torch-image.sh").toAbsolutePath().normalize();
        Path log = Files.createTempFile("torch-image", ".log");
        Process build = new ProcessBuilder("bash", script.toString()).redirectError(log.toFile()).start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(build.waitFor(BUILD_MINUTES_MAX, TimeUnit.MINUTES)).as("the torch image built in time").isTrue();
        List<String> lines = out.lines().toList();
        assertThat(build.exitValue()).as("scripts/torch-image.sh: %s", Files.readString(log)).isZero();
        image = lines.getLast();
        return image;
    }
}
