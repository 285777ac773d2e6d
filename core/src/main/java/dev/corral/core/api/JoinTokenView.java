package dev.corral.core.api;

import java.time.Instant;

/** A one-time token an owner gives a worker agent so the device joins the owner's account. */
public record JoinTokenView(String token, Instant expiresAt) {}
