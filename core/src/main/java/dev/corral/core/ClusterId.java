package dev.corral.core;

/** The id of a cluster, "clu_" followed by 20 hex digits. */
public record ClusterId(String value) {
    public static final String PREFIX = "clu";

    public ClusterId {
        Ids.validate(value, PREFIX, "cluster");
    }

    public static ClusterId random() {
        return new ClusterId(Ids.random(PREFIX));
    }

    @Override
    public String toString() {
        return value;
    }
}
