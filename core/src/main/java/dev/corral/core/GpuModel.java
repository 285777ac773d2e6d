package dev.corral.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GPU model in its canonical short form ("H100", "H100 PCIE", "RTX 4090", "A100 80GB"),
 * derived from the marketing names nvidia-smi prints ("NVIDIA H100 80GB HBM3") and from what
 * users type.
 */
public record GpuModel(String name) {
    private static final int NAME_LENGTH_MAX = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Z0-9][A-Z0-9 .\\-]*");
    private static final Pattern FORM_FACTOR_PCIE = Pattern.compile("\\bPCIE\\b");
    private static final Pattern FORM_FACTOR_NVL = Pattern.compile("\\bNVL\\b");
    private static final Pattern HOPPER = Pattern.compile("(H100|H200)( [0-9]+GB)?");
    private static final String A100_40GB = "A100 40GB";

    public GpuModel {
        if (name == null || name.isBlank() || name.length() > NAME_LENGTH_MAX || !ALLOWED.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid GPU model: " + name);
        }
    }

    /**
     * Canonical form of a name: vendor words dropped, upper case, single spaces. Form factors are
     * dropped too ("A100-SXM4-80GB" and "A100 80GB PCIe" are both "A100 80GB": the same chip and
     * memory; "A100-PCIE-40GB" is the plain "A100"), except on the Hopper parts, where the PCIe
     * card and the NVL part are other GPUs than the SXM module (lower clocks and board power; NVL
     * has 94 GB on the H100): "NVIDIA H100 80GB HBM3" and "H100 SXM" are "H100", "NVIDIA H100
     * PCIe" is "H100 PCIE", "NVIDIA H100 NVL" is "H100 NVL", and likewise for the H200.
     */
    public static GpuModel parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("GPU model is missing");
        }
        String words = " " + raw.toUpperCase(Locale.ROOT).replace('-', ' ').replace('_', ' ') + " ";
        String formFactor = FORM_FACTOR_PCIE.matcher(words).find() ? " PCIE"
                : FORM_FACTOR_NVL.matcher(words).find() ? " NVL" : "";
        String name = words
                .replaceAll("\\b(NVIDIA|GEFORCE|TESLA|QUADRO|AMD|INSTINCT)\\b", " ")
                .replaceAll("\\b(SXM[0-9]?|PCIE|HBM[0-9E]*|NVL)\\b", " ")
                .replaceAll("\\s+", " ")
                .trim();
        // The Hopper parts' memory follows from the part ("H100 80GB" is the SXM module's 80 GB).
        Matcher hopper = HOPPER.matcher(name);
        if (hopper.matches()) {
            name = hopper.group(1) + formFactor;
        }
        // The plain "A100" is the 40 GB part, as nvidia-smi's "A100-SXM4-40GB" and "A100-PCIE-40GB" are.
        return new GpuModel(name.equals(A100_40GB) ? "A100" : name);
    }

    @Override
    public String toString() {
        return name;
    }
}
