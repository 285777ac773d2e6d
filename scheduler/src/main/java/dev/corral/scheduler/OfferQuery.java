package dev.corral.scheduler;

import dev.corral.core.GpuModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An offer search as people type it, Vast.ai style: space-separated conditions
 * "field op value" with op one of = != < <= > >= in notin ("region in eu-west,us-east").
 * Parsing refuses unknown fields, operators a field does not take, and values of the wrong
 * kind, each with a message that lists what is valid.
 */
public record OfferQuery(List<Condition> conditions) {
    public static final int LENGTH_MAX = 1_000;
    private static final Pattern CONDITION = Pattern.compile("([a-z][a-z0-9_]*)\\s*(!=|<=|>=|=|<|>|\\s+in\\s+|\\s+notin\\s+)\\s*(\\S+)");

    /** The fields one can search on, and whether each is a number or a word. */
    public enum Field {
        GPU(false, "GPU model, e.g. H100 (the SXM module), H100_PCIE or RTX_4090"),
        GPUS(true, "GPUs per device"),
        VRAM(true, "GB of memory per GPU"),
        FP16(true, "dense FP16 TFLOPS per GPU (catalog)"),
        KIND(false, "gpu or cpu"),
        REGION(false, "region, e.g. eu-west"),
        COUNTRY(false, "ISO country code, e.g. DE"),
        SUPPLIER(false, "datacenter, miner or individual"),
        SECURITY(true, "security tier 1 (individual machine) to 4 (certified data center)"),
        CONNECTIVITY(true, "connectivity tier 1 (slowest measured bandwidth band) to 4"),
        RELIABILITY(true, "supplier reliability 0..1 from challenges, uptime and jobs"),
        STAKE(true, "IO staked on the device's owner"),
        CPU_CORES(true, "CPU cores"),
        DRIVER(true, "GPU driver version, major.minor, e.g. 550.54"),
        PRICE(true, "USD per device-hour the device asks at least"),
        DISK(true, "GB of disk a rank may fill (free where the device keeps its ranks' files)");

        private final boolean numeric;
        private final String meaning;

        Field(boolean numeric, String meaning) {
            this.numeric = numeric;
            this.meaning = meaning;
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One condition: field, operator, and its values (several for in/notin). */
    public record Condition(Field field, String op, List<String> values) {
        public boolean numeric() {
            return field.numeric;
        }
    }

    /** The query as text that {@link #parse} reads back to the same conditions. */
    public String text() {
        return String.join(" ", conditions.stream().map(c -> c.op().equals("in") || c.op().equals("notin")
                ? c.field().key() + " " + c.op() + " " + String.join(",", c.values())
                : c.field().key() + c.op() + c.values().getFirst()).toList());
    }

    /** This query with one more condition, e.g. a deploy's region. */
    public OfferQuery and(Field field, String op, String value) {
        List<Condition> more = new ArrayList<>(conditions);
        more.add(condition(field.key(), op, value));
        return new OfferQuery(List.copyOf(more));
    }

    public static OfferQuery parse(String text) {
        if (text == null || text.isBlank()) {
            return new OfferQuery(List.of());
        }
        if (text.length() > LENGTH_MAX) {
            throw new IllegalArgumentException("a query is at most " + LENGTH_MAX + " characters");
        }
        List<Condition> conditions = new ArrayList<>();
        Matcher matcher = CONDITION.matcher(text.trim());
        int at = 0;
        while (matcher.find()) {
            if (!text.trim().substring(at, matcher.start()).isBlank()) {
                throw new IllegalArgumentException("cannot read '" + text.trim().substring(at, matcher.start()).trim()
                        + "': write conditions as field<op>value, e.g. gpu=H100 vram>=80");
            }
            conditions.add(condition(matcher.group(1), matcher.group(2).trim(), matcher.group(3)));
            at = matcher.end();
        }
        if (!text.trim().substring(at).isBlank()) {
            throw new IllegalArgumentException("cannot read '" + text.trim().substring(at).trim()
                    + "': write conditions as field<op>value, e.g. gpu=H100 vram>=80");
        }
        return new OfferQuery(List.copyOf(conditions));
    }

    /**
     * Whether an offer's values (by field) meet every condition: the reference reading of a
     * query, against which the index's compiled filter ({@link SlotFilter}) is property-tested.
     */
    public boolean matches(Function<Field, Object> values) {
        for (Condition condition : conditions) {
            Object value = values.apply(condition.field());
            if (!meets(condition, value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean meets(Condition c, Object value) {
        if (value == null) {
            return c.op().equals("!=") || c.op().equals("notin");
        }
        if (c.field().numeric) {
            double v = ((Number) value).doubleValue();
            double want = Double.parseDouble(c.values().getFirst());
            return switch (c.op()) {
                case "=" -> v == want;
                case "!=" -> v != want;
                case "<" -> v < want;
                case "<=" -> v <= want;
                case ">" -> v > want;
                case ">=" -> v >= want;
                default -> throw new IllegalStateException(c.op());
            };
        }
        String v = normalise(value.toString());
        boolean in = c.values().stream().map(OfferQuery::normalise).anyMatch(v::equals);
        return switch (c.op()) {
            case "=", "in" -> in;
            case "!=", "notin" -> !in;
            default -> throw new IllegalStateException(c.op());
        };
    }

    private static Condition condition(String name, String op, String value) {
        Field field = Arrays.stream(Field.values()).filter(f -> f.key().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown field '" + name + "'; valid fields: " + fields()));
        Set<String> ops = field.numeric ? Set.of("=", "!=", "<", "<=", ">", ">=") : Set.of("=", "!=", "in", "notin");
        if (!ops.contains(op)) {
            throw new IllegalArgumentException("field " + name + " takes " + new TreeSet<>(ops) + ", not " + op);
        }
        List<String> values = op.equals("in") || op.equals("notin") ? List.of(value.split(",")) : List.of(value);
        if (field == Field.GPU) {
            values = values.stream().map(OfferQuery::gpuModel).toList();
        }
        if (field.numeric) {
            try {
                double number = Double.parseDouble(values.getFirst());
                if (!Double.isFinite(number)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " takes a number (" + field.meaning + "), not '" + value + "'");
            }
        }
        return new Condition(field, op, values);
    }

    /**
     * A GPU model as devices report it, whatever the spelling ("h100_sxm", "NVIDIA_H100_PCIe"),
     * spaces written as '_' so that {@link #text} reads back.
     */
    private static String gpuModel(String value) {
        try {
            return GpuModel.parse(value).name().replace(' ', '_');
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gpu takes a GPU model (" + Field.GPU.meaning + "), not '" + value + "'");
        }
    }

    /** A word value as conditions compare it: upper case, '_' read as a space ("RTX_4090" is "RTX 4090"). */
    static String normalise(String text) {
        return text.replace('_', ' ').toUpperCase(Locale.ROOT);
    }

    /** The valid fields with what each means, for error messages and help. */
    public static String fields() {
        Map<String, String> fields = new TreeMap<>();
        for (Field field : Field.values()) {
            fields.put(field.key(), field.meaning);
        }
        return fields.toString();
    }
}
