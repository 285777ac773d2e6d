package dev.corral.agent;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rank's command is shell text, run as {@code sh -c COMMAND}. When it is a plain program
 * with plain words for arguments, the shell would do nothing but find the program on the
 * PATH and run it with those words, so the agent runs it straight away: one program started
 * per rank instead of two (the shell's start costs about as much CPU as a small program's:
 * 2.07 against 1.05 ms for {@code sleep 0}, measured on the development machine).
 */
final class ShellCommand {
    /**
     * Characters that mean nothing to the shell (no quoting, expansion, globbing, redirection,
     * comment, or separator), with the space and tab that separate words.
     */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=\\- \\t]+");
    private static final Pattern WORD_SEPARATOR = Pattern.compile("[ \\t]+");
    /**
     * Names the shell runs itself rather than as a program (dash's builtins and the shell's
     * reserved words): a command starting with one goes to the shell, even where a program of
     * that name exists, whose behaviour may differ ({@code echo -e}).
     */
    private static final Set<String> SHELL_OWN = Set.of(".", ":", "[", "alias", "bg", "break", "case", "cd", "chdir",
            "command", "continue", "do", "done", "echo", "elif", "else", "esac", "eval", "exec", "exit", "export",
            "false", "fc", "fg", "fi", "for", "getopts", "hash", "if", "in", "jobs", "kill", "local", "printf", "pwd",
            "read", "readonly", "return", "set", "shift", "test", "then", "times", "trap", "true", "type", "ulimit",
            "umask", "unalias", "unset", "until", "wait", "while");

    private ShellCommand() {}

    /** What to start for this command: the shell with the text, or, for a plain program and words, those words. */
    static List<String> argv(String command) {
        return direct(command).orElseGet(() -> List.of("sh", "-c", command));
    }

    /** The command's words when the shell would only run the program they name; empty when it would do more. */
    static Optional<List<String>> direct(String command) {
        if (command == null || !PLAIN.matcher(command).matches()) {
            return Optional.empty();
        }
        List<String> words = Arrays.stream(WORD_SEPARATOR.split(command.strip())).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            return Optional.empty();
        }
        String program = words.getFirst();
        // NAME=value before a program sets a variable for it: the shell's work.
        boolean assignment = program.contains("=");
        return assignment || SHELL_OWN.contains(program) ? Optional.empty() : Optional.of(words);
    }
}
