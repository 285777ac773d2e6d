package dev.corral.agent;

import com.github.dockerjava.api.exception.NotFoundException;
import dev.corral.core.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Images made on this machine where no registry is reachable: a statically linked busybox
 * (Debian's busybox-static) as an image of its own, loaded into the engine as `docker save`
 * writes an archive. The demo runs its ranks in one; the tests build theirs the same way.
 */
public final class LocalImages {
    /** Where Debian's busybox-static puts its program. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** The busybox programs an image offers by name (the shell's own built-ins need none). */
    public static final List<String> APPLETS = List.of("sh", "cat", "echo", "sleep", "ls", "id", "env", "true", "false",
            "kill", "printf", "head", "grep", "test", "nc", "wget", "ps", "touch", "mkdir", "rm", "hostname", "httpd", "dd");
    private static final int ELF_PROGRAM_INTERPRETER = 3;

    private LocalImages() {}

    /** An image of busybox made here, or why there can be none. */
    public record Made(Optional<String> image, String description) {}

    /**
     * The image {@code name} in the engine this machine's agents use (found as an agent finds
     * it), made from {@link #BUSYBOX} if the engine lacks it; empty, with the reason, where no
     * engine answers or there is no static busybox.
     */
    public static Made busybox(String name) {
        if (!isStaticBusybox(BUSYBOX)) {
            return new Made(Optional.empty(), "no statically linked busybox at " + BUSYBOX
                    + " (Debian's busybox-static) to make an image of");
        }
        Optional<ContainerEngine> found = ContainerEngine.detect(null);
        if (found.isEmpty()) {
            return new Made(Optional.empty(), "no container engine answers on this machine");
        }
        try (ContainerEngine engine = found.get()) {
            busybox(engine, name, Map.of());
            return new Made(Optional.of(name), engine.description());
        } catch (IOException | RuntimeException e) {
            return new Made(Optional.empty(), "the engine would not load an image: "
                    + ContainerEngine.firstLine(e.getMessage()));
        }
    }

    /** Loads the busybox image {@code name}, with these files beside it, unless the engine has it. */
    static void busybox(ContainerEngine engine, String name, Map<String, byte[]> extraFiles) throws IOException {
        try {
            engine.commands().inspectImageCmd(name).exec();
            return;
        } catch (NotFoundException e) {
            // made below
        }
        byte[] layer = busyboxLayer(extraFiles);
        // docker-java's import (POST /images/create?fromSrc=-) sends "{}" for the tar, in 3.7.0: load instead.
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + Sha256.hex(layer) + "\"]}}";
        String manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"" + name + "\"],\"Layers\":[\"layer.tar\"]}]";
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
            file(out, "layer.tar", layer, 0644);
            file(out, "config.json", config.getBytes(StandardCharsets.UTF_8), 0644);
            file(out, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
        }
        engine.commands().loadImageCmd(new ByteArrayInputStream(archive.toByteArray())).exec();
    }

    /** A file system of a static busybox, links to its {@link #APPLETS}, a /tmp, and these files (mode 0644). */
    static byte[] busyboxLayer(Map<String, byte[]> extraFiles) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> extra : extraFiles.entrySet()) {
                file(out, extra.getKey(), extra.getValue(), 0644);
            }
            directory(out, "bin/", 0755);
            directory(out, "tmp/", 01777);
            file(out, "bin/busybox", Files.readAllBytes(BUSYBOX), 0755);
            for (String applet : APPLETS) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
                link.setLinkName("busybox");
                out.putArchiveEntry(link);
                out.closeArchiveEntry();
            }
        }
        return tar.toByteArray();
    }

    /**
     * Whether the file is a 64-bit little-endian ELF program that names no program interpreter
     * (the dynamic loader): statically linked, so it runs in an image holding nothing else.
     */
    static boolean isStaticBusybox(Path program) {
        if (!Files.isRegularFile(program)) {
            return false;
        }
        try (RandomAccessFile file = new RandomAccessFile(program.toFile(), "r")) {
            byte[] header = new byte[64];
            file.readFully(header);
            if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F' || header[4] != 2
                    || header[5] != 1) {
                return false;
            }
            ByteBuffer fields = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            long programHeaders = fields.getLong(0x20);
            int entrySize = Short.toUnsignedInt(fields.getShort(0x36));
            int entries = Short.toUnsignedInt(fields.getShort(0x38));
            byte[] type = new byte[4];
            for (int i = 0; i < entries; i++) {
                file.seek(programHeaders + (long) i * entrySize);
                file.readFully(type);
                if (ByteBuffer.wrap(type).order(ByteOrder.LITTLE_ENDIAN).getInt() == ELF_PROGRAM_INTERPRETER) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void file(TarArchiveOutputStream out, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setSize(content.length);
        out.putArchiveEntry(entry);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream out, String name, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        out.putArchiveEntry(entry);
        out.closeArchiveEntry();
    }
}
