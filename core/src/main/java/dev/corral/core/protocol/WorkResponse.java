package dev.corral.core.protocol;

import java.util.List;

/** Everything the device must be running now; the version changes whenever that set changes. */
public record WorkResponse(String version, List<Assignment> assignments) {}
