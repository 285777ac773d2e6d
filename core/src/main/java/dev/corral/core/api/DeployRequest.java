package dev.corral.core.api;

import java.util.Map;

/**
 * Asks for a cluster: either a GPU model (with GPUs per device) or a CPU device, how many
 * devices (one rank each), for how many hours, where, what to run, and whether to pay in
 * USD (the default) or IOSD.
 */
public record DeployRequest(
        String name,
        String gpu,
        Boolean cpu,
        Integer gpusPerDevice,
        Integer count,
        Integer hours,
        String region,
        String type,
        String cmd,
        Map<String, String> env,
        String pay) {}
