package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the tests' child JVMs (agents, coordinators) tell them. */
final class ChildProcesses {
    private ChildProcesses() {}

    /** The first line the child prints once it serves; fails, with its log, if it ended first. */
    static String firstLine(Process child, Path log, String what) throws Exception {
        String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).as("%s ended: %s", what, Files.readString(log)).isNotNull();
        return line.strip();
    }
}
