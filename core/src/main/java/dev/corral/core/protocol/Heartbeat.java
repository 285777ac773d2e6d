package dev.corral.core.protocol;

import dev.corral.core.HardwareSpec;
import dev.corral.core.Telemetry;
import java.util.List;

/** Sent every few seconds: the device re-asserts its hardware, address and runtimes, and reports telemetry. */
public record Heartbeat(HardwareSpec hardware, Telemetry telemetry, String host, List<String> runtimes) {}
