package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rank's output as numbered lines, read from the file the rank writes its standard output
 * and error to (opened for appending), as a container runtime keeps a container's log.
 *
 * <p>A file rather than a pipe: a pipe needs a thread blocked reading it for as long as the rank
 * runs (a platform thread: a virtual one blocked on a pipe holds its carrier), and its two ends
 * stay open in the agent, which the JDK walks through on every process it starts. The thread
 * that supervises the rank reads what is new every time it ships logs; instances are not safe
 * for use by several threads.
 *
 * <p>Bounded: at most {@link #LINES_KEPT_MAX} lines of at most {@link #LINE_LENGTH_MAX}
 * characters are kept, at most {@link #READ_BYTES_MAX} are read per call, and once the file
 * holds more than {@link #FILE_BYTES_MAX} the agent empties it (the rank appends, so it writes
 * on at the new end). What the rank wrote beyond the read bound, or in the instant between the
 * last read and emptying, is lost, and a line says so.
 */
final class RankOutput {
    static final int LINES_KEPT_MAX = 10_000;
    static final int LINE_LENGTH_MAX = 4096;
    /** A line's bytes kept while its end is awaited: enough for {@link #LINE_LENGTH_MAX} characters of UTF-8. */
    static final int LINE_BYTES_MAX = 4 * LINE_LENGTH_MAX;
    static final long FILE_BYTES_MAX = 16L << 20;
    static final int READ_BYTES_MAX = 8 << 20;
    private static final int CHUNK_BYTES = 64 << 10;
    private static final Logger LOG = LoggerFactory.getLogger(RankOutput.class);

    private final Path file;
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long offset;

    RankOutput(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    Path file() {
        return file;
    }

    /**
     * Reads what the rank wrote since the last call into lines. {@code ended}: the rank has
     * exited, so an unfinished last line is a line too.
     */
    void readNew(boolean ended) throws IOException {
        // Most ranks are silent most of the time: a look at the size costs less than opening the file.
        long size = Files.size(file);
        if (size != offset) {
            if (size < offset) {
                // Emptied by the rank itself: read it again from its start.
                offset = 0;
            }
            read(Math.min(size, offset + READ_BYTES_MAX));
        }
        if (ended && offset >= size && partial.size() > 0) {
            endLine();
        }
    }

    private void read(long until) throws IOException {
        // Made for each read, no bigger than what is new: a quiet rank holds no buffer (a host of many ranks,
        // as in `corral bench deploy`, held 64 KiB per rank that the collector copied about, 80 MiB per host).
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, until - offset));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            while (offset < until) {
                chunk.clear().limit((int) Math.min(CHUNK_BYTES, until - offset));
                int read = channel.read(chunk, offset);
                if (read <= 0) {
                    break;
                }
                offset += read;
                split(chunk.array(), read);
            }
            long size = channel.size();
            if (size >= FILE_BYTES_MAX) {
                channel.truncate(0);
                add("[corral] the rank's output file passed " + (FILE_BYTES_MAX >> 20) + " MiB and was emptied"
                        + (size > offset ? "; output the agent could not keep up with was dropped" : ""));
                offset = 0;
            }
        }
    }

    /** Lines from index {@code from} on, at most {@code max} of them. */
    /**
     * Reads what is new ({@link #readNew}; a failed read is logged, and what was read before is
     * listed still), then the lines from index {@code from} on, at most {@code max}.
     */
    List<String> readAndList(int from, int max, boolean ended) {
        try {
            readNew(ended);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
        }
        return linesFrom(from, max);
    }

    List<String> linesFrom(int from, int max) {
        int to = Math.min(lines.size(), from + max);
        return from >= to ? List.of() : List.copyOf(lines.subList(from, to));
    }

    private void split(byte[] bytes, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                keep(bytes, start, i - start);
                endLine();
                start = i + 1;
            }
        }
        keep(bytes, start, length - start);
    }

    /** Keeps the bytes of the line being read, up to the bound; the rest of a longer line is dropped. */
    private void keep(byte[] bytes, int from, int length) {
        int room = LINE_BYTES_MAX - partial.size();
        partial.write(bytes, from, Math.min(room, length));
    }

    private void endLine() {
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        add(line.length() > LINE_LENGTH_MAX ? line.substring(0, LINE_LENGTH_MAX) : line);
    }

    private void add(String line) {
        if (lines.size() < LINES_KEPT_MAX) {
            lines.add(line);
        }
    }
}
