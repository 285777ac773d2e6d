package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.ledger.EpochRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Closed epochs' signed records, and each device's availability reward in them. */
public final class Epochs {
    /** One device's availability reward in one epoch, in IO base units. */
    public record Reward(long epoch, DeviceId device, AccountId owner, long amount) {}

    public void insert(Connection c, EpochRecord r) throws SQLException {
        Sql.update(c, "INSERT INTO epoch_record (epoch, starts_at, ends_at, journal_seq, journal_head, block_emission, "
                + "minted, burned, supply, balance_root, balances, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.epoch(), r.startsAtMillis(), r.endsAtMillis(), r.journalSeq(), r.journalHead(), r.blockEmission(),
                r.minted(), r.burned(), r.supply(), r.balanceRoot(), r.balances(), r.signature());
    }

    public void insertRewards(Connection c, List<Reward> rewards) throws SQLException {
        Sql.batch(c, "INSERT INTO epoch_reward (epoch, device_id, owner_id, amount) VALUES (?, ?, ?, ?)",
                rewards.stream().map(r -> new Object[] {r.epoch(), r.device().value(), r.owner().value(), r.amount()})
                        .toList());
    }

    /** The epoch after the last closed one: 0 before any was closed. */
    public long nextToClose(Connection c) throws SQLException {
        return Sql.number(c, "SELECT COALESCE(MAX(epoch) + 1, 0) FROM epoch_record");
    }

    public List<EpochRecord> from(Connection c, long firstEpoch, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM epoch_record WHERE epoch >= ? ORDER BY epoch LIMIT ?", Epochs::map,
                firstEpoch, limit);
    }

    public Optional<EpochRecord> byEpoch(Connection c, long epoch) throws SQLException {
        return Sql.one(c, "SELECT * FROM epoch_record WHERE epoch = ?", Epochs::map, epoch);
    }

    /** An owner's availability rewards, newest epoch first. */
    public List<Reward> rewardsOf(Connection c, AccountId owner, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM epoch_reward WHERE owner_id = ? ORDER BY epoch DESC, device_id LIMIT ?",
                row -> new Reward(row.getLong("epoch"), new DeviceId(row.getString("device_id")),
                        new AccountId(row.getString("owner_id")), row.getLong("amount")), owner.value(), limit);
    }

    private static EpochRecord map(ResultSet row) throws SQLException {
        return new EpochRecord(row.getLong("epoch"), row.getLong("starts_at"), row.getLong("ends_at"),
                row.getLong("journal_seq"), row.getString("journal_head"), row.getLong("block_emission"),
                row.getLong("minted"), row.getLong("burned"), row.getLong("supply"), row.getString("balance_root"),
                row.getInt("balances"), row.getString("signature"));
    }
}
