package dev.corral.server.clusters;

import dev.corral.core.Currency;
import dev.corral.core.DeviceKind;
import dev.corral.core.Frameworks;
import dev.corral.core.GpuModel;
import dev.corral.core.Ids;
import dev.corral.core.Runtimes;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.Layout;
import dev.corral.scheduler.OfferQuery;
import dev.corral.server.Refusal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deploy request checked field by field: what the cluster runs and in which runtime (a
 * container unless it asks for a process) and framework, where, how it is laid out and paid,
 * and how it recovers from lost devices and failed programs. Pure: a request in, an order or a
 * refusal naming the field out.
 */
record DeployOrder(ClusterRequest request, String name, String type, String cmd, Map<String, String> env,
        ContainerSpec container, Currency currency, OfferQuery where, Layout layout, String quoteId, String framework,
        String onDeviceLoss, int restartMax) {
    /** A cluster that loses a device it cannot replace in time goes on short of that rank, and keeps looking. */
    static final String ON_LOSS_REPLACE = "replace";
    /** A cluster that loses a device it cannot replace in time fails. */
    static final String ON_LOSS_FAIL = "fail";
    /** The most restarts a rank's program may have: every one is a bounded pause, but a cluster is paid for by the hour. */
    static final int RESTARTS_MAX = 100;
    /** The restarts "on-failure" without a number allows. */
    static final int RESTARTS_ON_FAILURE = 5;
    private static final Pattern RESTART = Pattern.compile("never|on-failure(?::([0-9]{1,3}))?");
    static final int CMD_LENGTH_MAX = 4096;
    static final int ENV_ENTRIES_MAX = 64;
    static final int ENV_VALUE_LENGTH_MAX = 4096;
    static final String QUOTE_PREFIX = "quo";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    static DeployOrder of(DeployRequest deploy) {
        String type = deploy.type() == null ? Runtimes.CONTAINER : deploy.type();
        if (!Runtimes.CONTAINER.equals(type) && !Runtimes.PROCESS.equals(type)) {
            throw Refusal.invalid("type must be '" + Runtimes.CONTAINER + "' (the default) or '" + Runtimes.PROCESS
                    + "' (on devices whose owners allow plain processes)");
        }
        if (deploy.name() != null && !CLUSTER_NAME.matcher(deploy.name()).matches()) {
            throw Refusal.invalid("name must be 1-64 letters, digits, '_', '.' or '-'");
        }
        boolean container = Runtimes.CONTAINER.equals(type);
        // A container may run its image's own command; a process has nothing else to run.
        if (deploy.cmd() == null ? !container : deploy.cmd().isBlank() || deploy.cmd().length() > CMD_LENGTH_MAX) {
            throw Refusal.invalid("cmd must be 1.." + CMD_LENGTH_MAX + " characters");
        }
        Map<String, String> env = deploy.env() == null ? Map.of() : deploy.env();
        if (env.size() > ENV_ENTRIES_MAX) {
            throw Refusal.invalid("at most " + ENV_ENTRIES_MAX + " environment variables");
        }
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (!ENV_NAME.matcher(entry.getKey()).matches() || entry.getKey().startsWith("CORRAL_")) {
                throw Refusal.invalid("environment variable name '" + entry.getKey()
                        + "' is invalid or reserved (CORRAL_ is ours)");
            }
            if (entry.getValue() == null || entry.getValue().length() > ENV_VALUE_LENGTH_MAX) {
                throw Refusal.invalid("environment variable " + entry.getKey() + " must have a value of at most "
                        + ENV_VALUE_LENGTH_MAX + " characters");
            }
        }
        ClusterRequest request = request(deploy.gpu(), Boolean.TRUE.equals(deploy.cpu()), deploy.gpusPerDevice(),
                deploy.count(), deploy.hours(), deploy.region());
        Currency currency = deploy.pay() == null ? Currency.USD : switch (deploy.pay()) {
            case "USD" -> Currency.USD;
            case "IOSD" -> Currency.IOSD;
            default -> throw Refusal.invalid("pay must be USD or IOSD, not '" + deploy.pay() + "'");
        };
        Layout layout = deploy.layout() == null ? Layout.ANY : switch (deploy.layout().toLowerCase(Locale.ROOT)) {
            case "any" -> Layout.ANY;
            case "pack" -> Layout.PACK;
            case "spread" -> Layout.SPREAD;
            default -> throw Refusal.invalid("layout must be any, pack or spread, not '" + deploy.layout() + "'");
        };
        if (deploy.quoteId() != null && !Ids.looksLike(deploy.quoteId(), QUOTE_PREFIX)) {
            throw Refusal.notFound("quote", deploy.quoteId());
        }
        if (container) {
            if (deploy.container() == null) {
                throw Refusal.invalid("container.image is required (a container is the default type; type '"
                        + Runtimes.PROCESS + "' runs a plain process on devices that allow it)");
            }
            deploy.container().problem().ifPresent(problem -> {
                throw Refusal.invalid(problem);
            });
        } else if (deploy.container() != null) {
            throw Refusal.invalid("container is for type '" + Runtimes.CONTAINER + "', not '" + type + "'");
        }
        if (deploy.framework() != null) {
            if (!Frameworks.ALL.contains(deploy.framework())) {
                throw Refusal.invalid("framework must be one of " + Frameworks.ALL + " (or none), not '"
                        + deploy.framework() + "'");
            }
            for (String name : Frameworks.TORCH_VARIABLES) {
                if (env.containsKey(name)) {
                    throw Refusal.invalid("environment variable " + name + " is set by the " + deploy.framework()
                            + " framework from the cluster's head");
                }
            }
        }
        String onLoss = deploy.onDeviceLoss() == null ? ON_LOSS_REPLACE : deploy.onDeviceLoss();
        if (!onLoss.equals(ON_LOSS_REPLACE) && !onLoss.equals(ON_LOSS_FAIL)) {
            throw Refusal.invalid("onDeviceLoss must be '" + ON_LOSS_REPLACE + "' (the default) or '" + ON_LOSS_FAIL
                    + "', not '" + onLoss + "'");
        }
        DeployOrder order = new DeployOrder(request, deploy.name(), type, deploy.cmd(), new LinkedHashMap<>(env),
                container ? deploy.container() : null, currency, where(deploy.where()), layout, deploy.quoteId(),
                deploy.framework(), onLoss, restartMax(deploy.restart()));
        // The conditions are kept with the cluster (replacements meet them too): with the disk condition added they
        // must still be a query the store holds.
        if (order.placement().text().length() > OfferQuery.LENGTH_MAX) {
            throw Refusal.invalid("where: with the container's disk condition the conditions are over "
                    + OfferQuery.LENGTH_MAX + " characters: shorten where");
        }
        return order;
    }

    /**
     * The conditions a device must meet to be placed: the customer's, and for a container that
     * asks for disk, at least that much free on the device. Replacement devices meet them too.
     */
    OfferQuery placement() {
        return container == null || container.diskGb() == null ? where
                : where.and(OfferQuery.Field.DISK, ">=", Long.toString(container.diskGb()));
    }

    /** The restarts a policy allows: "never" (the default) none, "on-failure" {@link #RESTARTS_ON_FAILURE}, "on-failure:N" N. */
    static int restartMax(String policy) {
        if (policy == null) {
            return 0;
        }
        Matcher matcher = RESTART.matcher(policy);
        int max = !matcher.matches() ? -1 : policy.equals("never") ? 0
                : matcher.group(1) == null ? RESTARTS_ON_FAILURE : Integer.parseInt(matcher.group(1));
        if (max < 0 || max > RESTARTS_MAX) {
            throw Refusal.invalid("restart must be never, on-failure or on-failure:N with N at most " + RESTARTS_MAX
                    + ", not '" + policy + "'");
        }
        return max;
    }

    /** A restart limit as a policy's text. */
    static String restartPolicy(int restartMax) {
        return restartMax == 0 ? "never" : "on-failure:" + restartMax;
    }

    /** The same order for this many devices (every idle one that matched a deploy for all). */
    DeployOrder withCount(int devices) {
        return new DeployOrder(new ClusterRequest(request.kind(), request.gpuModel(), request.gpusPerDevice(), devices,
                request.hours(), request.region()), name, type, cmd, env, container, currency, where, layout, quoteId,
                framework, onDeviceLoss, restartMax);
    }

    /** The customer's offer conditions, parsed. */
    static OfferQuery where(String text) {
        try {
            return OfferQuery.parse(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("where: " + e.getMessage());
        }
    }

    /** What devices, how many and for how long: a GPU model or a CPU device, never both. */
    static ClusterRequest request(String gpu, boolean cpu, Integer gpusPerDevice, Integer count, Integer hours,
            String region) {
        if ((gpu == null) == !cpu) {
            throw Refusal.invalid("ask for either a GPU model (gpu) or a CPU device (cpu: true)");
        }
        if (count == null || hours == null) {
            throw Refusal.invalid("count and hours are required");
        }
        try {
            return cpu
                    ? new ClusterRequest(DeviceKind.CPU, null, 0, count, hours, region)
                    : new ClusterRequest(DeviceKind.GPU, GpuModel.parse(gpu), gpusPerDevice == null ? 1 : gpusPerDevice,
                            count, hours, region);
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid(e.getMessage());
        }
    }

    /** A request in one text form, so a quote is honoured only for exactly what it priced. */
    static String canonical(ClusterRequest request, OfferQuery where) {
        return request.kind() + " " + (request.gpuModel() == null ? "-" : request.gpuModel().name()) + " x"
                + request.gpusPerDevice() + ", " + request.count() + " devices, " + request.hours() + " h, region "
                + (request.region() == null ? "any" : request.region()) + ", where " + where.conditions().stream()
                        .map(k -> k.field().key() + k.op() + String.join(",", k.values())).sorted().toList();
    }

    /** The request in a customer's words, for refusals. */
    static String describe(ClusterRequest request) {
        String what = request.kind() == DeviceKind.CPU ? "CPU" : request.gpusPerDevice() + "x " + request.gpuModel();
        return what + (request.region() == null ? "" : " in " + request.region());
    }
}
