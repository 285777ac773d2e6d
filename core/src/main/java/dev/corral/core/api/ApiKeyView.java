package dev.corral.core.api;

import java.time.Instant;

/**
 * An API key an account made besides its first: its id (to revoke it by), its label and when it
 * was made; {@code key} itself only in the answer that made it, never again.
 */
public record ApiKeyView(String keyId, String label, Instant createdAt, String key) {}
