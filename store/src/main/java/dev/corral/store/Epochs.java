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

    /**
     * A device a block's close considered: its time online in the epoch, whether it proved itself,
     * and its weight in the availability reward (thousandths; 0 where it was not eligible).
     */
    public record Nominee(DeviceId device, AccountId owner, long uptimeMillis, boolean proven, long weightMilli) {}

    /** A block's counts: devices considered, those that proved themselves, those rewarded. */
    public record Summary(long epoch, int nominated, int proven, int rewarded) {}

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

    /** Stores what an epoch's close saw of its devices (one row per owner) and its counts. */
    public void insertNominees(Connection c, long epoch, List<Nominee> nominees, int rewarded) throws SQLException {
        Map<AccountId, StringBuilder> byOwner = new LinkedHashMap<>();
        for (Nominee nominee : nominees) {
            StringBuilder devices = byOwner.computeIfAbsent(nominee.owner(), owner -> new StringBuilder());
            devices.append(devices.isEmpty() ? "" : ",").append(nominee.device().value()).append('=')
                    .append(nominee.uptimeMillis()).append(':').append(nominee.proven() ? 1 : 0).append(':')
                    .append(nominee.weightMilli());
        }
        List<Object[]> rows = new ArrayList<>(byOwner.size());
        byOwner.forEach((owner, devices) -> rows.add(new Object[] {epoch, owner.value(), devices.toString()}));
        Sql.insertAll(c, "INSERT INTO epoch_owner_device (epoch, owner_id, devices)", 3, rows);
        Sql.update(c, "INSERT INTO epoch_summary (epoch, nominated, proven, rewarded) VALUES (?, ?, ?, ?)", epoch,
                nominees.size(), (int) nominees.stream().filter(Nominee::proven).count(), rewarded);
    }

    /** The devices an epoch's close considered, in device id order. */
    public List<Nominee> nomineesOf(Connection c, long epoch) throws SQLException {
        List<Nominee> nominees = new ArrayList<>();
        for (Object[] row : Sql.list(c, "SELECT owner_id, devices FROM epoch_owner_device WHERE epoch = ?",
                r -> new Object[] {r.getString(1), r.getString(2)}, epoch)) {
            AccountId owner = new AccountId((String) row[0]);
            for (String device : ((String) row[1]).split(",")) {
                int equals = device.indexOf('=');
                String[] figures = device.substring(equals + 1).split(":");
                nominees.add(new Nominee(new DeviceId(device.substring(0, equals)), owner, Long.parseLong(figures[0]),
                        "1".equals(figures[1]), Long.parseLong(figures[2])));
            }
        }
        nominees.sort(Comparator.comparing(nominee -> nominee.device().value()));
        return nominees;
    }

    /** The owner's availability rewards in each epoch from {@code fromEpoch} on, summed over its devices, newest first. */
    public Map<Long, Long> rewardsOfOwnerFrom(Connection c, AccountId owner, long fromEpoch, int limit)
            throws SQLException {
        Map<Long, Long> byEpoch = new LinkedHashMap<>();
        Sql.list(c, "SELECT epoch, devices FROM epoch_owner_reward WHERE owner_id = ? AND epoch >= ? ORDER BY epoch DESC "
                + "LIMIT ?", row -> {
                    long sum = 0;
                    for (String device : row.getString(2).split(",")) {
                        sum += Long.parseLong(device.substring(device.indexOf('=') + 1));
                    }
                    return byEpoch.put(row.getLong(1), sum);
                }, owner.value(), fromEpoch, limit);
        return byEpoch;
    }

    /** Every device's availability reward in one epoch, in IO base units. */
    public Map<DeviceId, Long> rewardsOfEpoch(Connection c, long epoch) throws SQLException {
        Map<DeviceId, Long> rewards = new LinkedHashMap<>();
        for (String devices : Sql.list(c, "SELECT devices FROM epoch_owner_reward WHERE epoch = ?", r -> r.getString(1),
                epoch)) {
            for (String device : devices.split(",")) {
                int equals = device.indexOf('=');
                rewards.put(new DeviceId(device.substring(0, equals)), Long.parseLong(device.substring(equals + 1)));
            }
        }
        return rewards;
    }

    /** The counts of the closed epochs in [from, to); an epoch closed before they were kept has none. */
    public Map<Long, Summary> summaries(Connection c, long from, long to) throws SQLException {
        Map<Long, Summary> summaries = new LinkedHashMap<>();
        Sql.list(c, "SELECT epoch, nominated, proven, rewarded FROM epoch_summary WHERE epoch >= ? AND epoch < ?",
                r -> summaries.put(r.getLong(1), new Summary(r.getLong(1), r.getInt(2), r.getInt(3), r.getInt(4))),
                from, to);
        return summaries;
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
