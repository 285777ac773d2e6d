package dev.corral.server.web;

import dev.corral.core.Currency;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.ClusterView;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How the web faces write numbers for people: thousands separated, every figure with its unit,
 * times in UTC. Exact: amounts are written from their base units, never through a double.
 */
public final class Format {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** The decimals an IO amount is shown with on a page (the CSV and the API keep all nine). */
    static final int IO_DECIMALS_SHOWN = 2;

    private Format() {}

    public static String count(long n) {
        return NumberFormat.getIntegerInstance(Locale.US).format(n);
    }

    /** An amount of IO from its base units, to {@link #IO_DECIMALS_SHOWN} decimals, rounded down, with its unit. */
    public static String io(long baseUnits) {
        BigDecimal whole = BigDecimal.valueOf(baseUnits, Currency.IO.decimals())
                .setScale(IO_DECIMALS_SHOWN, java.math.RoundingMode.DOWN);
        return grouped(whole) + " IO";
    }

    /** An amount of IO from its base units in millions (one decimal, rounded down) where it is that large. */
    public static String ioCompact(long baseUnits) {
        long whole = baseUnits / 1_000_000_000L;
        if (whole < 1_000_000) {
            return io(baseUnits);
        }
        return BigDecimal.valueOf(whole / 100_000, 1).toPlainString() + "M IO";
    }

    /** Dollars to the cent, grouped: "$27,582.67". */
    public static String usd(BigDecimal dollars) {
        return (dollars.signum() < 0 ? "−$" : "$") + grouped(dollars.abs().setScale(2, java.math.RoundingMode.HALF_EVEN));
    }

    /** A decimal with two places, grouped: "54,928.72". */
    public static String decimal(BigDecimal value) {
        return grouped(value.setScale(2, java.math.RoundingMode.DOWN));
    }

    public static String money(Money amount) {
        BigDecimal exact = BigDecimal.valueOf(amount.minor(), amount.currency().decimals()).stripTrailingZeros();
        BigDecimal value = exact.scale() < 2 ? exact.setScale(2) : exact;
        return amount.currency() == Currency.USD ? "$" + grouped(value) : grouped(value) + " " + amount.currency();
    }

    /** An amount as the API shows it, written for people. */
    public static String amount(Amount amount) {
        return amount == null ? "–" : money(new Money(amount.minor(), Currency.valueOf(amount.currency())));
    }

    /** What a cluster runs on: "2 x H100" per device, or "CPU". */
    public static String hardware(ClusterView cluster) {
        return cluster.gpuModel() == null ? "CPU" : cluster.gpusPerDevice() + " × " + cluster.gpuModel();
    }

    /** A device's hardware: "8 × H100 80 GB" for GPUs, else its CPU's cores and memory. */
    public static String deviceHardware(HardwareSpec hardware) {
        if (hardware.kind() == DeviceKind.GPU && hardware.gpuModel() != null) {
            return hardware.gpuCount() + " × " + hardware.gpuModel()
                    + (hardware.vramMbPerGpu() > 0 ? " " + hardware.vramMbPerGpu() / 1024 + " GB" : "");
        }
        return "CPU · " + hardware.cpuCores() + " cores · " + count(hardware.memoryMb() / 1024) + " GB";
    }

    /** A span of time as hours, minutes and seconds: "1 h 02 min", "4 min 10 s". */
    public static String duration(long millis) {
        long seconds = millis / 1000;
        if (seconds >= 3600) {
            return seconds / 3600 + " h " + String.format(Locale.US, "%02d", seconds % 3600 / 60) + " min";
        }
        return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
    }

    /** A weight in thousandths as a decimal: 10000 is "10", 125 is "0.125". */
    public static String weight(long milli) {
        return BigDecimal.valueOf(milli, 3).stripTrailingZeros().toPlainString();
    }

    /** A share 0..1 as a percentage with one decimal. */
    public static String share(double share) {
        return String.format(Locale.US, "%.1f%%", Math.max(0, Math.min(1, share)) * 100);
    }

    public static String percent(long part, long whole) {
        return whole == 0 ? "–" : BigDecimal.valueOf(part * 1000 / whole, 1).toPlainString() + "%";
    }

    public static String time(long epochMillis) {
        return MINUTE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The first characters of a hash, enough to tell hashes apart on a page. */
    public static String shortHash(String hash) {
        return hash == null || hash.length() <= 12 ? String.valueOf(hash) : hash.substring(0, 12) + "…";
    }

    private static String grouped(BigDecimal value) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.US);
        format.setMinimumFractionDigits(value.scale());
        format.setMaximumFractionDigits(value.scale());
        return format.format(value);
    }
}
