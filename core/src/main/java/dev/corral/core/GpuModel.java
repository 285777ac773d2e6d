package dev.corral.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A GPU model in its canonical short form ("H100", "RTX 4090", "A100 80GB"), derived from
 * the marketing names nvidia-smi prints ("NVIDIA H100 80GB HBM3") and from what users type.
 */
public record GpuModel(String name) {
    private static final int NAME_LENGTH_MAX = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Z0-9][A-Z0-9 .\\-]*");

    public GpuModel {
        if (name == null || name.isBlank() || name.length() > NAME_LENGTH_MAX || !ALLOWED.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid GPU model: " + name);
        }
    }

    /** Canonical form of a name: vendor words and form factors dropped, upper case, single spaces. */
    public static GpuModel parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("GPU model is missing");
        }
        String name = raw.toUpperCase(Locale.ROOT)
                .replaceAll("\\b(NVIDIA|GEFORCE|TESLA|QUADRO|AMD|INSTINCT)\\b", " ")
                .replaceAll("\\b(SXM[0-9]?|PCIE|HBM[0-9E]*|NVL)\\b", " ")
                .replaceAll("-", " ")
                .replaceAll("\\s+", " ")
                .trim();
        // "A100 SXM4 80GB" and "A100-SXM4-80GB" both become "A100 80GB"; "H100 80GB" stays distinct
        // from the 94 GB NVL only by VRAM, which the device reports separately, so drop plain 80GB on H100.
        name = name.replaceAll("^(H100|H200) [0-9]+GB$", "$1");
        return new GpuModel(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
