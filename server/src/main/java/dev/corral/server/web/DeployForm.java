package dev.corral.server.web;

import dev.corral.core.Runtimes;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.QuoteRequest;
import dev.corral.server.Refusal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Cloud console's deploy form as the text its fields hold, and the deploy (or quote)
 * request it asks for: every option of {@code corral deploy}, with the duration in hours, days
 * or weeks, and countries and tiers written into the offer query as the CLI's --where would
 * take them. What the form cannot read is refused here; what the request may not ask is refused
 * by the deploy itself, with the same messages as the API.
 */
public record DeployForm(String name, String hardware, String gpu, String gpusPerDevice, String count,
        String duration, String durationUnit, String region, String countries, String securityTier,
        String connectivityTier, String where, String layout, String type, String image, String entrypoint, String cmd,
        String ports, String env, String secretEnv, String registryUser, String registryToken, String shmSize,
        String diskGb, String pay, String framework, String onDeviceLoss, String restart, String sshKeys) {
    /** The units a duration may be given in, with their hours. */
    static final Map<String, Integer> DURATION_UNITS = Map.of("hours", 1, "days", 24, "weeks", 24 * 7);
    /** The longest text one field may hold: checked before it is read. */
    static final int FIELD_LENGTH_MAX = 16_384;

    /** The empty form, with the defaults a new deploy starts from. */
    public static DeployForm blank() {
        return new DeployForm("", "gpu", "", "1", "1", "1", "hours", "", "", "", "", "", "any", Runtimes.CONTAINER,
                "", "", "", "", "", "", "", "", "", "", "USD", "", "replace", "never", "");
    }

    /** The same form without its secrets (secret variables, registry token): what a page may show again. */
    public DeployForm withoutSecrets() {
        return new DeployForm(name, hardware, gpu, gpusPerDevice, count, duration, durationUnit, region, countries,
                securityTier, connectivityTier, where, layout, type, image, entrypoint, cmd, ports, env, "", registryUser,
                "", shmSize, diskGb, pay, framework, onDeviceLoss, restart, sshKeys);
    }

    /** The form from a request's fields, read by name (a missing field is empty). */
    public static DeployForm read(Function<String, String> field) {
        Function<String, String> text = name -> {
            String value = field.apply(name);
            if (value != null && value.length() > FIELD_LENGTH_MAX) {
                throw Refusal.invalid(name + " is longer than " + FIELD_LENGTH_MAX + " characters");
            }
            return value == null ? "" : value.strip();
        };
        return new DeployForm(text.apply("name"), text.apply("hardware"), text.apply("gpu"),
                text.apply("gpusPerDevice"), text.apply("count"), text.apply("duration"), text.apply("durationUnit"),
                text.apply("region"), text.apply("countries"), text.apply("securityTier"),
                text.apply("connectivityTier"), text.apply("where"), text.apply("layout"), text.apply("type"),
                text.apply("image"), text.apply("entrypoint"), text.apply("cmd"), text.apply("ports"), text.apply("env"),
                text.apply("secretEnv"), text.apply("registryUser"), text.apply("registryToken"),
                text.apply("shmSize"), text.apply("diskGb"), text.apply("pay"), text.apply("framework"),
                text.apply("onDeviceLoss"), text.apply("restart"), text.apply("sshKeys"));
    }

    public boolean cpu() {
        return "cpu".equals(hardware);
    }

    public QuoteRequest quote() {
        return new QuoteRequest(cpu() ? null : blankToNull(gpu), cpu() ? Boolean.TRUE : null,
                cpu() ? null : number("GPUs per device", gpusPerDevice), "all".equalsIgnoreCase(count) ? 1
                        : number("devices", count), hours(),
                blankToNull(region), whereClause());
    }

    public DeployRequest deploy() {
        boolean process = Runtimes.PROCESS.equals(type);
        ContainerSpec container = process ? null : new ContainerSpec(image, blankToNull(entrypoint), list(ports), pairs("secret variable",
                secretEnv), blankToNull(shmSize), registryUser.isEmpty() && registryToken.isEmpty() ? null
                : new ContainerSpec.RegistryAuth(registryUser, registryToken), diskGb.isEmpty() ? null
                : (long) number("disk GB", diskGb), sshKeys.lines().map(String::strip).filter(line -> !line.isEmpty())
                        .toList());
        boolean all = "all".equalsIgnoreCase(count);
        return new DeployRequest(blankToNull(name), cpu() ? null : blankToNull(gpu), cpu() ? Boolean.TRUE : null,
                cpu() ? null : number("GPUs per device", gpusPerDevice), all ? null : number("devices", count), hours(),
                blankToNull(region), type.isEmpty() ? Runtimes.CONTAINER : type, blankToNull(cmd),
                pairs("environment variable", env), blankToNull(pay), whereClause(), blankToNull(layout), null,
                container, blankToNull(framework), blankToNull(onDeviceLoss), blankToNull(restart), all ? true : null);
    }

    /** The paid time in hours: the duration times its unit's hours. */
    int hours() {
        Integer unit = DURATION_UNITS.get(durationUnit);
        if (unit == null) {
            throw Refusal.invalid("duration unit must be one of hours, days, weeks");
        }
        long hours = (long) number("duration", duration) * unit;
        if (hours < 1 || hours > DeployRequest.HOURS_MAX) {
            throw Refusal.invalid("the duration must be 1 hour to " + DeployRequest.HOURS_MAX / 24 + " days");
        }
        return (int) hours;
    }

    /** The offer query: the conditions typed, then the countries and tier floors the form's own fields set. */
    String whereClause() {
        List<String> conditions = new ArrayList<>();
        if (!where.isEmpty()) {
            conditions.add(where);
        }
        List<String> countryCodes = list(countries).stream().map(String::toUpperCase).toList();
        if (!countryCodes.isEmpty()) {
            conditions.add("country in " + String.join(",", countryCodes));
        }
        if (!securityTier.isEmpty()) {
            conditions.add("security>=" + number("security tier", securityTier));
        }
        if (!connectivityTier.isEmpty()) {
            conditions.add("connectivity>=" + number("connectivity tier", connectivityTier));
        }
        return conditions.isEmpty() ? null : String.join(" ", conditions);
    }

    private static int number(String what, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw Refusal.invalid(what + " must be a whole number, not '" + text + "'");
        }
    }

    /** Items separated by commas or white space. */
    private static List<String> list(String text) {
        return Arrays.stream(text.split("[,\\s]+")).filter(item -> !item.isEmpty()).toList();
    }

    /** NAME=VALUE lines; a blank line is skipped. */
    private static Map<String, String> pairs(String what, String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            int equals = lines[i].indexOf('=');
            if (equals <= 0) {
                // The line is not quoted back: it may hold a secret.
                throw Refusal.invalid("each " + what + " is a line NAME=VALUE; line " + (i + 1) + " is not");
            }
            pairs.put(lines[i].substring(0, equals).strip(), lines[i].substring(equals + 1));
        }
        return pairs;
    }

    private static String blankToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
