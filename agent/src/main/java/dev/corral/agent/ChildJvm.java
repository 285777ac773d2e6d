package dev.corral.agent;

import java.util.ArrayList;
import java.util.List;

/** The command line of a new JVM like this one, for the agents the demo and the benchmarks start. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * Runs {@code main} with these arguments in a new JVM (same java, same class path) with this
     * much heap, compiled by C1 only: the demo's and the deploy benchmark's many agent JVMs
     * compiling the same code with C2 took a third of the machine. Native access is allowed, as
     * corral.jar's manifest allows it when run with {@code -jar}: the agent starts ranks through
     * the C library (JNA), and a JDK of 24 or newer warns of every library so loaded without it.
     */
    public static List<String> command(Class<?> main, int heapMb, List<String> jvmOptions, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + heapMb + "m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(arguments);
        return command;
    }
}
