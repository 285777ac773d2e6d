package dev.corral.core.protocol;

import dev.corral.core.HardwareSpec;
import java.util.List;

/** A new device joins its owner with a one-time token; the request is signed by the key it presents. */
public record RegisterRequest(String joinToken, String publicKey, HardwareSpec hardware, String region, String host,
        List<String> runtimes) {}
