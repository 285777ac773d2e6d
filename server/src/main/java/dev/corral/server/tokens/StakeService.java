package dev.corral.server.tokens;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.Ids;
import dev.corral.core.Money;
import dev.corral.core.Sha256;
import dev.corral.core.api.Amount;
import dev.corral.core.api.StakeView;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.ledger.StakerShare;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.devices.DeviceState;
import dev.corral.store.Accounts;
import dev.corral.store.Database;
import dev.corral.store.Ledger;
import dev.corral.store.Stakes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Staking: any account locks IO on any account (itself included). Active stake earns its
 * stakers the target's staker share of the target's rewards, raises a supplier's chance in
 * placement and gives a customer priority when devices are scarce. Unstaking stops all that
 * at once, and the IO comes back after the cool-down.
 */
public final class StakeService {
    /** How long unstaked IO stays locked before it is back in the staker's wallet (io.net's figure). */
    static final Duration UNSTAKE_COOLDOWN = Duration.ofDays(14);
    static final int STAKES_LIST_MAX = 200;
    static final int RELEASES_PER_SWEEP_MAX = 1_000;
    private static final String PREFIX = "stk";

    private final Database db;
    private final Accounts accounts;
    private final Ledger ledger;
    private final Stakes stakes;
    private final DeviceState devices;
    private final Clock clock;

    public StakeService(Database db, Accounts accounts, Ledger ledger, Stakes stakes, DeviceState devices,
            Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public StakeView stake(AccountId staker, String targetText, String ioText, String idempotencyKey) {
        if (!Ids.looksLike(targetText, AccountId.PREFIX)) {
            throw Refusal.notFound("account", String.valueOf(targetText));
        }
        AccountId target = new AccountId(targetText);
        Money io = Money.parse("io", ioText, Currency.IO);
        if (io.minor() == 0) {
            throw Refusal.invalid("io must be more than zero");
        }
        // A retried request with the same key names the same stake, so it is made once.
        String id = PREFIX + "_" + Sha256.hex(staker.value() + "\n" + AccountService.requestKey(idempotencyKey))
                .substring(0, 20);
        StakeView staked = db.transaction(c -> {
            accounts.byId(c, target).orElseThrow(() -> Refusal.notFound("account", targetText));
            Optional<Stakes.Stake> existing = stakes.ownedForUpdate(c, staker, id);
            if (existing.isPresent()) {
                return view(existing.get());
            }
            Instant now = clock.instant();
            ledger.open(c, LedgerAccounts.stake(id), Currency.IO);
            try {
                ledger.apply(c, List.of(new Transfer("stake:" + id, LedgerAccounts.user(staker, Currency.IO),
                        LedgerAccounts.stake(id), io, TransferKind.STAKE, null)), now);
            } catch (Ledger.InsufficientFundsException e) {
                throw Refusal.insufficientFunds("the IO balance is short of " + io);
            }
            Stakes.Stake stake = new Stakes.Stake(id, staker, target, io.minor(), Stakes.ACTIVE, now, null);
            stakes.insert(c, stake);
            return view(stake);
        });
        devices.stakeChanged(target);
        return staked;
    }

    /** Stops the stake now; its IO comes back after the cool-down. */
    public StakeView unstake(AccountId staker, String id) {
        Stakes.Stake cooling = db.transaction(c -> {
            Stakes.Stake stake = stakes.ownedForUpdate(c, staker, id)
                    .orElseThrow(() -> Refusal.notFound("stake", id));
            if (!stake.state().equals(Stakes.ACTIVE)) {
                throw Refusal.conflict("stake " + id + " is " + stake.state().toLowerCase().replace('_', ' ')
                        + " already");
            }
            stakes.coolDown(c, id, clock.instant().plus(UNSTAKE_COOLDOWN));
            return stakes.ownedForUpdate(c, staker, id).orElseThrow();
        });
        devices.stakeChanged(cooling.target());
        return view(cooling);
    }

    public List<StakeView> list(AccountId account) {
        return db.transaction(c -> stakes.involving(c, account, STAKES_LIST_MAX)).stream()
                .map(StakeService::view).toList();
    }

    public Map<String, Integer> setShare(AccountId account, Integer percent) {
        int basisPoints = percent == null ? -1 : percent * 100;
        if (basisPoints < StakerShare.SHARE_BASIS_POINTS_MIN || basisPoints > StakerShare.SHARE_BASIS_POINTS_MAX) {
            throw Refusal.invalid("percent must be 1, 2 or 3");
        }
        db.transaction(c -> {
            stakes.setShareBasisPoints(c, account, basisPoints);
            return null;
        });
        return Map.of("stakerSharePercent", percent);
    }

    /** The network's stake: in force, cooling down, and how many stake and are backed. */
    public Stakes.Totals totals() {
        return db.transaction(c -> stakes.totals(c));
    }

    /** Gives back the IO of stakes whose cool-down is over; at most {@link #RELEASES_PER_SWEEP_MAX} per call. */
    public int releaseDue() {
        Instant now = clock.instant();
        List<Stakes.Stake> due = db.transaction(c -> stakes.dueForRelease(c, now));
        int released = 0;
        for (Stakes.Stake stake : due.subList(0, Math.min(due.size(), RELEASES_PER_SWEEP_MAX))) {
            boolean done = db.transaction(c -> {
                if (!stakes.release(c, stake.id())) {
                    return false;
                }
                ledger.apply(c, List.of(new Transfer("unstake:" + stake.id(), LedgerAccounts.stake(stake.id()),
                        LedgerAccounts.user(stake.staker(), Currency.IO), new Money(stake.amount(), Currency.IO),
                        TransferKind.UNSTAKE, null)), now);
                return true;
            });
            released += done ? 1 : 0;
        }
        return released;
    }

    private static StakeView view(Stakes.Stake stake) {
        return new StakeView(stake.id(), stake.staker().value(), stake.target().value(),
                Amount.of(new Money(stake.amount(), Currency.IO)), stake.state(), stake.createdAt(), stake.releaseAt());
    }
}
