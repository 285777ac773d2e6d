package dev.corral.core.api;

import java.util.Map;

/**
 * Asks for a cluster: either a GPU model (with GPUs per device) or a CPU device, how many
 * devices (one rank each), for how many hours, where, what to run, whether to pay in
 * USD (the default) or IOSD, and optional further conditions on the devices in the offer
 * search language ("vram>=80 region in eu-west,us-east"), and a layout: "any" (the
 * default), "pack" (one region, few suppliers) or "spread" (many suppliers); and optionally
 * the id of an unexpired quote for this same request, whose price it then pays. The runtime
 * ({@code type}) is a container of {@code container.image} by default; "process" runs the
 * command as a plain process, on devices whose owners allow it (trusted set-ups only).
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
        String pay,
        String where,
        String layout,
        String quoteId,
        ContainerSpec container) {
    /** The most devices one cluster may hold. */
    public static final int COUNT_MAX = 10_000;
    /** The longest a cluster may be booked for, in hours (a year). */
    public static final int HOURS_MAX = 24 * 365;
    /** The longest region name a request may give. */
    public static final int REGION_LENGTH_MAX = 32;

    /** A request with the default layout, at the price of the moment, and no container. */
    public DeployRequest(String name, String gpu, Boolean cpu, Integer gpusPerDevice, Integer count, Integer hours,
            String region, String type, String cmd, Map<String, String> env, String pay, String where) {
        this(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where, null, null, null);
    }

    /** A request with no container. */
    public DeployRequest(String name, String gpu, Boolean cpu, Integer gpusPerDevice, Integer count, Integer hours,
            String region, String type, String cmd, Map<String, String> env, String pay, String where, String layout,
            String quoteId) {
        this(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where, layout, quoteId, null);
    }

    /** The same request with this container. */
    public DeployRequest withContainer(ContainerSpec spec) {
        return new DeployRequest(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where,
                layout, quoteId, spec);
    }
}
