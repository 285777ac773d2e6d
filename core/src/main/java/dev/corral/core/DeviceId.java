package dev.corral.core;

/** The id of a device, "dev_" followed by 20 hex digits. */
public record DeviceId(String value) {
    public static final String PREFIX = "dev";

    public DeviceId {
        Ids.validate(value, PREFIX, "device");
    }

    public static DeviceId random() {
        return new DeviceId(Ids.random(PREFIX));
    }

    @Override
    public String toString() {
        return value;
    }
}
