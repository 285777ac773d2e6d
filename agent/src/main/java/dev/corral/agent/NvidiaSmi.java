package dev.corral.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the CSV that nvidia-smi prints for the queries the agent makes
 * ({@code --format=csv,noheader,nounits}). Pure, so it is tested on recorded output.
 */
final class NvidiaSmi {
    static final String INVENTORY_QUERY = "--query-gpu=name,memory.total,driver_version";
    static final String READINGS_QUERY = "--query-gpu=utilization.gpu,temperature.gpu,power.draw,memory.used";

    /** One GPU as the inventory query describes it. */
    record Gpu(String name, long memoryMb, String driverVersion) {}

    /** One GPU's live readings; a reading nvidia-smi cannot give ("[N/A]") is 0. */
    record Reading(double utilizationPercent, double temperatureC, double powerW, long memoryUsedMb) {}

    private NvidiaSmi() {}

    static List<Gpu> parseInventory(String csv) {
        List<Gpu> gpus = new ArrayList<>();
        for (String[] fields : rows(csv, 3)) {
            gpus.add(new Gpu(fields[0], (long) number(fields[1]), fields[2]));
        }
        return gpus;
    }

    static List<Reading> parseReadings(String csv) {
        List<Reading> readings = new ArrayList<>();
        for (String[] fields : rows(csv, 4)) {
            readings.add(new Reading(number(fields[0]), number(fields[1]), number(fields[2]), (long) number(fields[3])));
        }
        return readings;
    }

    private static List<String[]> rows(String csv, int columns) {
        List<String[]> rows = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",");
            if (fields.length != columns) {
                throw new IllegalArgumentException("nvidia-smi printed " + fields.length + " fields, expected " + columns
                        + ": " + line);
            }
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].trim();
            }
            rows.add(fields);
        }
        return rows;
    }

    private static double number(String field) {
        if (field.startsWith("[") || field.isEmpty()) {
            return 0;
        }
        return Double.parseDouble(field);
    }
}
