package dev.corral.core;

/** What a device is doing, as its owner and the public see it. */
public enum DeviceStatus {
    IDLE,
    HIRED,
    OFFLINE,
    /** New, or back from a block: no challenge passed yet, so not placed. */
    UNVERIFIED,
    /** Answered challenges wrongly again and again: not placed until its owner asks for re-verification and it passes. */
    BLOCKED
}
