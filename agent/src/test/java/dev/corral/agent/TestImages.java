package dev.corral.agent;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.corral.core.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The container engine the tests use and the images they run, built here (no registry is
 * reachable from the test machines): a static busybox imported as an image. Without an engine
 * the tests fail, unless the system property corral.test.containers is "optional", where they
 * are skipped.
 */
public final class TestImages {
    public static final String BUSYBOX = "localhost/corral-test/busybox:1";
    static final Path BUSYBOX_BINARY = Path.of("/bin/busybox");
    /** The busybox programs the image offers by name. */
    static final List<String> APPLETS = List.of("sh", "cat", "echo", "sleep", "ls", "id", "env", "true", "false",
            "kill", "printf", "head", "grep", "test", "nc", "wget", "ps", "touch", "mkdir", "rm", "hostname");
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

    /** The busybox image's name, imported into the engine first if it lacks it. */
    public static synchronized String busybox() throws IOException {
        ContainerEngine engine = engine();
        try {
            engine.commands().inspectImageCmd(BUSYBOX).exec();
            return BUSYBOX;
        } catch (NotFoundException e) {
            // imported below
        }
        byte[] layer = busyboxLayer();
        String diffId = "sha256:" + Sha256.hex(layer);
        // An archive as `docker save` writes it, which the engine loads: docker-java's import
        // (POST /images/create?fromSrc=-) sends "{}" for the tar, in 3.7.0.
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":"
                + "[\"PATH=/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}";
        String manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"" + BUSYBOX
                + "\"],\"Layers\":[\"layer.tar\"]}]";
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
            file(out, "layer.tar", layer, 0644);
            file(out, "config.json", config.getBytes(StandardCharsets.UTF_8), 0644);
            file(out, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
        }
        engine.commands().loadImageCmd(new ByteArrayInputStream(archive.toByteArray())).exec();
        return BUSYBOX;
    }

    /** A file system holding a static busybox and links to the programs the tests use. */
    private static byte[] busyboxLayer() throws IOException {
        return busyboxLayer(Map.of());
    }

    /** The busybox file system with these files beside it (name to content, mode 0644). */
    static byte[] busyboxLayer(Map<String, byte[]> extraFiles) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            for (Map.Entry<String, byte[]> extra : extraFiles.entrySet()) {
                file(out, extra.getKey(), extra.getValue(), 0644);
            }
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            directory(out, "bin/");
            directory(out, "tmp/");
            file(out, "bin/busybox", Files.readAllBytes(BUSYBOX_BINARY), 0755);
            for (String applet : APPLETS) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                out.putArchiveEntry(link);
                out.closeArchiveEntry();
            }
        }
        return tar.toByteArray();
    }

    private static void file(TarArchiveOutputStream out, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream out, String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(name.equals("tmp/") ? 01777 : 0755);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }
}
