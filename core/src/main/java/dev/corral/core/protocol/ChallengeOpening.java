package dev.corral.core.protocol;

import java.util.List;

/** The rows the device was asked for, of the product and of its walkers; the answer is the challenge's outcome. */
public record ChallengeOpening(List<OpenedRow> rows, List<OpenedRow> walkRows) {}
