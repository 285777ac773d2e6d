package dev.corral.core.protocol;

import java.util.List;

/**
 * Everything the device must run or answer now; the version changes whenever that changes.
 * heartbeatTimeoutMillis is how long the coordinator waits for a heartbeat before it declares
 * the device lost and ends its ranks: an agent that cannot reach it for about that long stops
 * them itself.
 */
public record WorkResponse(String version, List<Assignment> assignments, List<ChallengeTask> challenges,
        long heartbeatTimeoutMillis) {}
