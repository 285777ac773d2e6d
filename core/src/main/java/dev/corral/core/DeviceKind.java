package dev.corral.core;

/** Whether a device offers GPUs or only its CPU. */
public enum DeviceKind {
    GPU,
    CPU
}
