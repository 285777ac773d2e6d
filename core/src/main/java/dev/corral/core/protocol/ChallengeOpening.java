package dev.corral.core.protocol;

import java.util.List;

/** The rows the device was asked for; the answer is the challenge's outcome. */
public record ChallengeOpening(List<OpenedRow> rows) {}
