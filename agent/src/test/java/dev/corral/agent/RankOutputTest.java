package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rank's output file read back as lines, as the rank appends to it, within its bounds. */
class RankOutputTest {
    @TempDir
    Path work;

    @Test
    void linesAreReadAsTheyAreWrittenAndAnUnfinishedOneCountsOnlyOnceTheRankEnded() throws Exception {
        Path file = work.resolve("rank.log");
        RankOutput output = new RankOutput(file);
        append(file, "first\r\nsec");

        output.readNew(false);
        assertThat(output.linesFrom(0, 10)).containsExactly("first");

        append(file, "ond\nthird, unfinished");
        output.readNew(false);
        assertThat(output.linesFrom(0, 10)).containsExactly("first", "second");

        output.readNew(true);
        assertThat(output.linesFrom(0, 10)).containsExactly("first", "second", "third, unfinished");
        assertThat(output.linesFrom(1, 1)).containsExactly("second");
        assertThat(output.linesFrom(3, 10)).isEmpty();
    }

    @Test
    void aLongLineIsCutAndTheLinesKeptAreBounded() throws Exception {
        Path file = work.resolve("rank.log");
        RankOutput output = new RankOutput(file);
        append(file, "é".repeat(3 * RankOutput.LINE_LENGTH_MAX) + "\n" + "x\n".repeat(RankOutput.LINES_KEPT_MAX + 5));

        output.readNew(true);

        List<String> lines = output.linesFrom(0, RankOutput.LINES_KEPT_MAX + 10);
        assertThat(lines).hasSize(RankOutput.LINES_KEPT_MAX);
        assertThat(lines.getFirst()).isEqualTo("é".repeat(RankOutput.LINE_LENGTH_MAX));
    }

    @Test
    void aFileOverItsBoundIsEmptiedAndTheRankWritesOnAtItsStart() throws Exception {
        Path file = work.resolve("rank.log");
        RankOutput output = new RankOutput(file);
        String line = "y".repeat(1023) + "\n";
        append(file, line.repeat((int) (RankOutput.FILE_BYTES_MAX / line.length()) + 1));

        // More than one read's worth: the rest is not kept up with and is dropped.
        output.readNew(false);

        assertThat(Files.size(file)).isZero();
        List<String> lines = output.linesFrom(0, RankOutput.LINES_KEPT_MAX);
        assertThat(lines).hasSize(RankOutput.READ_BYTES_MAX / line.length() + 1);
        assertThat(lines.getLast()).contains("was emptied").contains("dropped");

        append(file, "after\n");
        output.readNew(false);
        assertThat(output.linesFrom(lines.size(), 10)).containsExactly("after");
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
