package dev.corral.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Where a benchmark's CPU went: this process (the coordinator), the agent processes, and the
 * whole machine from Linux's /proc/stat, whose remainder is everything else (the ranks' own
 * processes, the kernel's threads). On a real network each of those has its own machine; on
 * the development machine they share two cores with the coordinator.
 */
final class CpuUse {
    /** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every architecture's user ABI. */
    static final long PROC_STAT_TICKS_PER_SECOND = 100;
    static final Path PROC_STAT = Path.of("/proc/stat");
    /** The fields of /proc/stat's "cpu" line counted as busy: user, nice, system, irq, softirq, steal. */
    private static final List<Integer> BUSY_FIELDS = List.of(1, 2, 3, 6, 7, 8);

    /** CPU time used up to one moment; {@code machineBusy} is absent where /proc/stat cannot be read. */
    record Snapshot(long wallNanos, Duration self, Duration agents, Optional<Duration> machineBusy) {
        Snapshot {
            requireNonNull(self, "self is null");
            requireNonNull(agents, "agents is null");
            requireNonNull(machineBusy, "machineBusy is null");
        }
    }

    private CpuUse() {}

    static Snapshot now(List<Process> agentProcesses) {
        Duration agents = agentProcesses.stream()
                .map(p -> p.toHandle().info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
        long self = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new Snapshot(System.nanoTime(), Duration.ofNanos(Math.max(0, self)), agents, machineBusy());
    }

    /** One line: the CPU each part used between two snapshots, against what the machine had. */
    static String describe(Snapshot from, Snapshot to) {
        Duration wall = Duration.ofNanos(to.wallNanos() - from.wallNanos());
        Duration self = to.self().minus(from.self());
        Duration agents = to.agents().minus(from.agents());
        int cores = Runtime.getRuntime().availableProcessors();
        String line = String.format("coordinator %.1f s, agent processes %.1f s", seconds(self), seconds(agents));
        if (from.machineBusy().isPresent() && to.machineBusy().isPresent()) {
            Duration busy = to.machineBusy().get().minus(from.machineBusy().get());
            line += String.format(", everything else (the ranks' own processes, the kernel) %.1f s",
                    Math.max(0, seconds(busy.minus(self).minus(agents))));
        }
        return line + String.format(", of %d cores x %.1f s", cores, seconds(wall));
    }

    private static Optional<Duration> machineBusy() {
        try {
            String[] fields = Files.readAllLines(PROC_STAT).getFirst().trim().split("\\s+");
            if (!fields[0].equals("cpu")) {
                return Optional.empty();
            }
            long ticks = 0;
            for (int field : BUSY_FIELDS) {
                ticks += field < fields.length ? Long.parseLong(fields[field]) : 0;
            }
            return Optional.of(Duration.ofMillis(ticks * 1000 / PROC_STAT_TICKS_PER_SECOND));
        } catch (IOException | NumberFormatException | NoSuchElementException e) {
            return Optional.empty();
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
