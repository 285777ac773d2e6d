package dev.corral.core.api;

/** The admin sets the IO/USD price: USD for one whole IO, e.g. "0.35". */
public record OracleUpdate(String usdPerIo) {}
