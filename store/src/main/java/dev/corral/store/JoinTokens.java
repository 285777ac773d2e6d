package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** One-time tokens that let a new device join its owner's account; kept only as hashes. */
public final class JoinTokens {
    /** The owner a token admits, and the device it already admitted if the same key registers again. */
    public record Admission(AccountId owner, Optional<DeviceId> existingDevice) {}

    public void create(Connection c, String tokenHash, AccountId owner, Instant expiresAt) throws SQLException {
        Sql.update(c, "INSERT INTO join_token (token_hash, owner_id, expires_at) VALUES (?, ?, ?)",
                tokenHash, owner.value(), expiresAt.toEpochMilli());
    }

    /**
     * Uses the token for this key. A token is good once; the same key presenting it again (a
     * retried registration) is admitted to the device it made the first time.
     */
    public Optional<Admission> consume(Connection c, String tokenHash, DeviceId newDevice, String publicKey,
            Instant now) throws SQLException {
        record Row(String owner, long expiresAt, String usedByDevice, String usedByKey) {}
        Optional<Row> token = Sql.one(c, "SELECT * FROM join_token WHERE token_hash = ? FOR UPDATE",
                row -> new Row(row.getString("owner_id"), row.getLong("expires_at"), row.getString("used_by_device"),
                        row.getString("used_by_key")),
                tokenHash);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Row row = token.get();
        AccountId owner = new AccountId(row.owner());
        if (row.usedByDevice() != null) {
            return publicKey.equals(row.usedByKey())
                    ? Optional.of(new Admission(owner, Optional.of(new DeviceId(row.usedByDevice()))))
                    : Optional.empty();
        }
        if (row.expiresAt() < now.toEpochMilli()) {
            return Optional.empty();
        }
        int used = Sql.update(c,
                "UPDATE join_token SET used_by_device = ?, used_by_key = ? WHERE token_hash = ? AND used_by_device IS NULL",
                newDevice.value(), publicKey, tokenHash);
        return used == 1 ? Optional.of(new Admission(owner, Optional.empty())) : Optional.empty();
    }
}
