package dev.corral.scheduler;

import java.util.Arrays;
import java.util.Locale;

/** Who runs a device, as its owner declares it: customers filter on this ("supplier=datacenter"). */
public enum SupplierType {
    DATACENTER, MINER, INDIVIDUAL;

    public static SupplierType parse(String text) {
        return Arrays.stream(values()).filter(t -> t.name().equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("supplier type must be one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ", not '" + text + "'"));
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
