package dev.corral.store;

import dev.corral.core.AccountId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Stakes: ACTIVE while they back their target, COOLING_DOWN after the staker asked for its IO
 * back (they no longer back anyone), RELEASED once the IO went back to the staker.
 */
public final class Stakes {
    public static final String ACTIVE = "ACTIVE";
    public static final String COOLING_DOWN = "COOLING_DOWN";
    public static final String RELEASED = "RELEASED";

    /** One stake. */
    public record Stake(String id, AccountId staker, AccountId target, long amount, String state, Instant createdAt,
            Instant releaseAt) {}

    public void insert(Connection c, Stake stake) throws SQLException {
        Sql.update(c, "INSERT INTO stake (id, staker_id, target_id, amount, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                stake.id(), stake.staker().value(), stake.target().value(), stake.amount(), stake.state(),
                stake.createdAt().toEpochMilli());
    }

    /** The stake only if this account staked it: another staker's stake looks exactly like a missing one. */
    public Optional<Stake> ownedForUpdate(Connection c, AccountId staker, String id) throws SQLException {
        return Sql.one(c, "SELECT * FROM stake WHERE id = ? AND staker_id = ? FOR UPDATE", Stakes::map, id,
                staker.value());
    }

    public void coolDown(Connection c, String id, Instant releaseAt) throws SQLException {
        Sql.update(c, "UPDATE stake SET state = ?, release_at = ? WHERE id = ? AND state = ?", COOLING_DOWN,
                releaseAt.toEpochMilli(), id, ACTIVE);
    }

    /** Marks released; false if another closer got there first. */
    public boolean release(Connection c, String id) throws SQLException {
        return Sql.update(c, "UPDATE stake SET state = ? WHERE id = ? AND state = ?", RELEASED, id, COOLING_DOWN) == 1;
    }

    public List<Stake> dueForRelease(Connection c, Instant now) throws SQLException {
        return Sql.list(c, "SELECT * FROM stake WHERE state = ? AND release_at <= ?", Stakes::map, COOLING_DOWN,
                now.toEpochMilli());
    }

    /** Stakes an account made or that back it, newest first. */
    public List<Stake> involving(Connection c, AccountId account, int limit) throws SQLException {
        return Sql.list(c, "SELECT * FROM stake WHERE staker_id = ? OR target_id = ? ORDER BY created_at DESC, id LIMIT ?",
                Stakes::map, account.value(), account.value(), limit);
    }

    /** Stake in force and stake cooling down, in IO base units, with how many stakers and backed accounts hold it. */
    public record Totals(long active, long coolingDown, int stakers, int backed) {}

    public Totals totals(Connection c) throws SQLException {
        return Sql.one(c, "SELECT COALESCE(SUM(CASE WHEN state = ? THEN amount ELSE 0 END), 0), "
                        + "COALESCE(SUM(CASE WHEN state = ? THEN amount ELSE 0 END), 0), "
                        + "COUNT(DISTINCT CASE WHEN state = ? THEN staker_id END), "
                        + "COUNT(DISTINCT CASE WHEN state = ? THEN target_id END) FROM stake WHERE state <> ?",
                row -> new Totals(row.getLong(1), row.getLong(2), row.getInt(3), row.getInt(4)),
                ACTIVE, COOLING_DOWN, ACTIVE, ACTIVE, RELEASED).orElseThrow();
    }

    /** Active stake backing each account that has any, in IO base units. */
    public Map<AccountId, Long> activeByTarget(Connection c) throws SQLException {
        Map<AccountId, Long> totals = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        Sql.list(c, "SELECT target_id, SUM(amount) FROM stake WHERE state = ? GROUP BY target_id", row -> {
            totals.put(new AccountId(row.getString(1)), row.getLong(2));
            return null;
        }, ACTIVE);
        return totals;
    }

    /** Every account backed by active stake: its stakers' IO and the share it gives them. */
    public record Backing(Map<AccountId, Long> stakeByStaker, int shareBasisPoints) {}

    public Map<AccountId, Backing> activeBacking(Connection c) throws SQLException {
        Map<AccountId, Map<AccountId, Long>> stakes = new HashMap<>();
        Map<AccountId, Integer> shares = new HashMap<>();
        Sql.list(c, "SELECT s.target_id, s.staker_id, SUM(s.amount), a.staker_share_bps FROM stake s "
                + "JOIN account a ON a.id = s.target_id WHERE s.state = ? "
                + "GROUP BY s.target_id, s.staker_id, a.staker_share_bps", row -> {
                    AccountId target = new AccountId(row.getString(1));
                    stakes.computeIfAbsent(target, t -> new HashMap<>()).put(new AccountId(row.getString(2)), row.getLong(3));
                    shares.put(target, row.getInt(4));
                    return null;
                }, ACTIVE);
        Map<AccountId, Backing> backing = new HashMap<>();
        stakes.forEach((target, byStaker) -> backing.put(target, new Backing(byStaker, shares.get(target))));
        return backing;
    }

    public long activeTotalOn(Connection c, AccountId target) throws SQLException {
        return Sql.number(c, "SELECT COALESCE(SUM(amount), 0) FROM stake WHERE state = ? AND target_id = ?", ACTIVE,
                target.value());
    }

    public void setShareBasisPoints(Connection c, AccountId account, int basisPoints) throws SQLException {
        Sql.update(c, "UPDATE account SET staker_share_bps = ? WHERE id = ?", basisPoints, account.value());
    }

    private static Stake map(ResultSet row) throws SQLException {
        Long release = Sql.nullableLong(row, "release_at");
        return new Stake(row.getString("id"), new AccountId(row.getString("staker_id")),
                new AccountId(row.getString("target_id")), row.getLong("amount"), row.getString("state"),
                Instant.ofEpochMilli(row.getLong("created_at")), release == null ? null : Instant.ofEpochMilli(release));
    }
}
