package dev.corral.core;

/** What a device is doing, as its owner and the public see it. */
public enum DeviceStatus {
    IDLE,
    HIRED,
    OFFLINE
}
