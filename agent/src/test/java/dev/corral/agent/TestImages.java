package dev.corral.agent;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container engine the tests use and the image they run, made here (no registry is
 * reachable from the test machines): a static busybox as an image, by {@link LocalImages}.
 * Without an engine the tests fail, unless the system property corral.test.containers is
 * "optional", where they are skipped.
 */
public final class TestImages {
    public static final String BUSYBOX = "localhost/corral-test/busybox:2";
    private static Optional<ContainerEngine> engine;

    private TestImages() {}

    /** The engine on this machine; skips the test where there is none and containers are optional. */
    static synchronized ContainerEngine engine() {
        if (engine == null) {
            engine = ContainerEngine.detect(null);
        }
        if (engine.isEmpty()) {
            if ("optional".equals(System.getProperty("corral.test.containers"))) {
                assumeThat(engine).as("a container engine (corral.test.containers=optional)").isPresent();
            }
            throw new IllegalStateException("no container engine answers (see DEVELOPERS.md to start Podman's "
                    + "service, or run with -Dcorral.test.containers=optional)");
        }
        return engine.get();
    }

    /** Fails, or skips where containers are optional, unless an engine answers on this machine. */
    public static void requireEngine() {
        engine();
    }

    /** The names of the rank containers of this device the engine has, running or not. */
    public static List<String> containersOf(String device) {
        return engine().ranksOf(device).stream().flatMap(c -> Arrays.stream(c.getNames())).toList();
    }

    /** Kills the device's rank containers at once, as when its machine dies (its watchdog then finds none). */
    public static void killContainersOf(String device) {
        for (var container : engine().ranksOf(device)) {
            engine().commands().killContainerCmd(container.getId()).exec();
        }
    }

    /** The busybox image's name, loaded into the engine first if it lacks it. */
    public static synchronized String busybox() throws IOException {
        LocalImages.busybox(engine(), BUSYBOX, Map.of());
        return BUSYBOX;
    }
}
