package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which rank commands run straight and which need the shell. */
class ShellCommandTest {
    @Test
    void aPlainProgramWithPlainWordsRunsStraight() {
        assertThat(ShellCommand.argv("sleep 600")).containsExactly("sleep", "600");
        assertThat(ShellCommand.argv("  python3\ttrain.py --epochs=3 --lr 0.001 --out ./runs/a,b@1:2%+  "))
                .containsExactly("python3", "train.py", "--epochs=3", "--lr", "0.001", "--out", "./runs/a,b@1:2%+");
        assertThat(ShellCommand.argv("/usr/bin/env")).containsExactly("/usr/bin/env");
        assertThat(ShellCommand.argv("dd if=/dev/zero of=x count=1")).as("an = after the program is an argument")
                .containsExactly("dd", "if=/dev/zero", "of=x", "count=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo $CORRAL_RANK", "sleep 1; sleep 2", "a && b", "a | b", "a > out", "a < in", "a &",
            "ls *.py", "ls ~", "cat 'x y'", "cat \"x\"", "echo a\\ b", "a # comment", "(a)", "{ a; }", "a\nb",
            "MODEL=x python3 run.py", "cd /tmp", "exit 3", "echo -e x", "true", "kill -9 1", "test -f x", "ls [ab]",
            "ls a?", "a `b`", "", "   "})
    void anythingTheShellWouldDoMoreWithGoesToTheShell(String command) {
        assertThat(ShellCommand.direct(command)).as(command).isEmpty();
        assertThat(ShellCommand.argv(command)).isEqualTo(List.of("sh", "-c", command));
    }
}
