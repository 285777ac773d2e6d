package dev.corral.store;

import dev.corral.core.DeviceId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Nonces of agent requests seen recently, kept in the store so that a replay is refused
 * after a coordinator restart too. Rows older than the accepted clock skew can be pruned:
 * a request that old is refused for its timestamp alone.
 */
public final class Nonces {
    /** Records the nonce; false if this device used it before. */
    public boolean remember(Connection c, DeviceId device, String nonce, Instant now) throws SQLException {
        if (Sql.number(c, "SELECT COUNT(*) FROM agent_nonce WHERE device_id = ? AND nonce = ?",
                device.value(), nonce) > 0) {
            return false;
        }
        Sql.update(c, "INSERT INTO agent_nonce (device_id, nonce, seen_at) VALUES (?, ?, ?)",
                device.value(), nonce, now.toEpochMilli());
        return true;
    }

    public int pruneBefore(Connection c, Instant cutoff) throws SQLException {
        return Sql.update(c, "DELETE FROM agent_nonce WHERE seen_at < ?", cutoff.toEpochMilli());
    }
}
