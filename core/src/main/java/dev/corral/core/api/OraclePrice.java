package dev.corral.core.api;

import java.time.Instant;

/** One IO/USD price of the oracle and when it was set. */
public record OraclePrice(Instant setAt, Amount usdPerIo) {}
