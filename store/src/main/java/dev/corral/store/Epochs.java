package dev.corral.store;

import dev.corral.core.AccountId;
import dev.corral.core.DeviceId;
import dev.corral.core.publicledger.EpochRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Stores an epoch's availability rewards, one row per owner listing its devices' rewards. */
    public void insertRewards(Connection c, List<Reward> rewards) throws SQLException {
        Map<AccountId, StringBuilder> byOwner = new LinkedHashMap<>();
        long epoch = rewards.isEmpty() ? 0 : rewards.getFirst().epoch();
        for (Reward reward : rewards) {
            if (reward.epoch() != epoch) {
                throw new IllegalArgumentException("rewards of one epoch at a time");
            }
            StringBuilder devices = byOwner.computeIfAbsent(reward.owner(), owner -> new StringBuilder());
            devices.append(devices.isEmpty() ? "" : ",").append(reward.device().value()).append('=')
                    .append(reward.amount());
        }
        List<Object[]> rows = new ArrayList<>(byOwner.size());
        byOwner.forEach((owner, devices) -> rows.add(new Object[] {epoch, owner.value(), devices.toString()}));
        Sql.insertAll(c, "INSERT INTO epoch_owner_reward (epoch, owner_id, devices)", 3, rows);
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

    /** An owner's availability rewards, newest epoch first, devices in id order, at most limit of them. */
    public List<Reward> rewardsOf(Connection c, AccountId owner, int limit) throws SQLException {
        List<Reward> rewards = new ArrayList<>();
        for (Object[] row : Sql.list(c, "SELECT epoch, devices FROM epoch_owner_reward WHERE owner_id = ? "
                + "ORDER BY epoch DESC LIMIT ?", r -> new Object[] {r.getLong(1), r.getString(2)}, owner.value(), limit)) {
            List<Reward> ofEpoch = new ArrayList<>();
            for (String device : ((String) row[1]).split(",")) {
                int equals = device.indexOf('=');
                ofEpoch.add(new Reward((Long) row[0], new DeviceId(device.substring(0, equals)), owner,
                        Long.parseLong(device.substring(equals + 1))));
            }
            ofEpoch.sort(Comparator.comparing(reward -> reward.device().value()));
            rewards.addAll(ofEpoch);
            if (rewards.size() >= limit) {
                return rewards.subList(0, limit);
            }
        }
        return rewards;
    }

    private static EpochRecord map(ResultSet row) throws SQLException {
        return new EpochRecord(row.getLong("epoch"), row.getLong("starts_at"), row.getLong("ends_at"),
                row.getLong("journal_seq"), row.getString("journal_head"), row.getLong("block_emission"),
                row.getLong("minted"), row.getLong("burned"), row.getLong("supply"), row.getString("balance_root"),
                row.getInt("balances"), row.getString("signature"));
    }
}
