package dev.corral.core.api;

import java.util.Map;

/**
 * Asks for a cluster: either a GPU model (with GPUs per device) or a CPU device, how many
 * devices (one rank each), for how many hours, where, and what to run.
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
        Map<String, String> env) {}
