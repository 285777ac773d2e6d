package dev.corral.core.protocol;

import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.util.List;

/** Sent every few seconds: the device re-asserts its hardware and reports telemetry and the ranks it runs. */
public record Heartbeat(HardwareSpec hardware, Telemetry telemetry, String host, List<String> runtimes,
        List<String> runningClusters) {}
