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
 * {@code framework} "torch" gives every rank torchrun's variables (MASTER_ADDR, RANK...);
 * {@code onDeviceLoss} says what a cluster does when it loses a device it cannot replace in
 * time: "replace" (the default: it goes on short of that rank and keeps looking) or "fail";
 * {@code restart} is "never" (the default), "on-failure" or "on-failure:N": whether a rank whose
 * program fails is started again on its device, at most N times, after a growing pause.
 * {@code countAll} true (with no count) hires every idle device that matches, up to
 * {@link #COUNT_MAX}, and pays for as many as were placed.
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
        ContainerSpec container,
        String framework,
        String onDeviceLoss,
        String restart,
        Boolean countAll) {
    /** The most devices one cluster may hold. */
    public static final int COUNT_MAX = 10_000;
    /** The longest a cluster may be booked for, in hours (a year). */
    public static final int HOURS_MAX = 24 * 365;
    /** The longest region name a request may give. */
    public static final int REGION_LENGTH_MAX = 32;

    /** A request with the default layout, at the price of the moment, and no container. */
    public DeployRequest(String name, String gpu, Boolean cpu, Integer gpusPerDevice, Integer count, Integer hours,
            String region, String type, String cmd, Map<String, String> env, String pay, String where) {
        this(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where, null, null, null, null,
                null, null, null);
    }

    /** A request with no container. */
    public DeployRequest(String name, String gpu, Boolean cpu, Integer gpusPerDevice, Integer count, Integer hours,
            String region, String type, String cmd, Map<String, String> env, String pay, String where, String layout,
            String quoteId) {
        this(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where, layout, quoteId, null,
                null, null, null, null);
    }

    /** The same request with this container. */
    public DeployRequest withContainer(ContainerSpec spec) {
        return new DeployRequest(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where,
                layout, quoteId, spec, framework, onDeviceLoss, restart, countAll);
    }

    /** The same request run under this framework ("torch"). */
    public DeployRequest withFramework(String named) {
        return new DeployRequest(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where,
                layout, quoteId, container, named, onDeviceLoss, restart, countAll);
    }

    /** The same request with these answers to a lost device ("replace" or "fail") and to a failed program. */
    public DeployRequest withRecovery(String onLoss, String restartPolicy) {
        return new DeployRequest(name, gpu, cpu, gpusPerDevice, count, hours, region, type, cmd, env, pay, where,
                layout, quoteId, container, framework, onLoss, restartPolicy, countAll);
    }

    /** The same request for every idle device that matches (up to {@link #COUNT_MAX}) instead of a count. */
    public DeployRequest forAllMatching() {
        return new DeployRequest(name, gpu, cpu, gpusPerDevice, null, hours, region, type, cmd, env, pay, where,
                layout, quoteId, container, framework, onDeviceLoss, restart, true);
    }

    /** The same request for this many devices. */
    public DeployRequest withCount(int devices) {
        return new DeployRequest(name, gpu, cpu, gpusPerDevice, devices, hours, region, type, cmd, env, pay, where,
                layout, quoteId, container, framework, onDeviceLoss, restart, null);
    }
}
