package dev.corral.core.protocol;

import java.util.List;

/** Everything the device must run or answer now; the version changes whenever that changes. */
public record WorkResponse(String version, List<Assignment> assignments, List<ChallengeTask> challenges) {}
