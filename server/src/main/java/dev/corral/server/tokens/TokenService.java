package dev.corral.server.tokens;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.OraclePrice;
import dev.corral.core.api.WalletView;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.IoPrice;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.store.Clusters;
import dev.corral.store.Database;
import dev.corral.store.Ledger;
import dev.corral.store.Oracle;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IO/USD price feed and what uses it: IOSD minted by burning IO, and wallet valuations.
 * The price is set by the admin key: a stand-in for an external market feed, named so.
 */
public final class TokenService {
    static final int ORACLE_HISTORY_MAX = 500;
    private static final List<Currency> WALLET_CURRENCIES = List.of(Currency.USD, Currency.IO, Currency.IOSD);

    private final Database db;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Oracle oracle;
    private final Clock clock;

    public TokenService(Database db, Clusters clusters, Ledger ledger, Oracle oracle, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.oracle = requireNonNull(oracle, "oracle is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public OraclePrice setPrice(String usdPerIo) {
        Money price = Money.parse("usdPerIo", usdPerIo, Currency.USD);
        if (price.minor() == 0) {
            throw Refusal.invalid("usdPerIo must be more than zero");
        }
        db.transaction(c -> {
            oracle.set(c, price.minor(), clock.instant());
            return null;
        });
        return currentPrice().orElseThrow();
    }

    public List<OraclePrice> prices(int limit) {
        if (limit < 1 || limit > ORACLE_HISTORY_MAX) {
            throw Refusal.invalid("limit must be 1.." + ORACLE_HISTORY_MAX);
        }
        return db.transaction(c -> oracle.history(c, limit)).stream().map(TokenService::view).toList();
    }

    Optional<OraclePrice> currentPrice() {
        return db.transaction(c -> oracle.current(c)).map(TokenService::view);
    }

    /** Burns IO from the account at the oracle price and mints IOSD 1:1 to the USD value: the only way to get IOSD. */
    public WalletView mintIosd(AccountId account, String ioText, String idempotencyKey) {
        Money io = Money.parse("io", ioText, Currency.IO);
        if (io.minor() == 0) {
            throw Refusal.invalid("io must be more than zero");
        }
        String key = "iosd:" + account.value() + ":" + AccountService.requestKey(idempotencyKey);
        Transfer burn = new Transfer(key + ":burn", LedgerAccounts.user(account, Currency.IO),
                LedgerAccounts.burn(Currency.IO), io, TransferKind.BURN, null);
        db.transaction(c -> {
            if (ledger.applied(c, burn.idempotencyKey()).filter(burn::equals).isPresent()) {
                // A retry: the mint stands at the price of its first try, whatever the price is now.
                return null;
            }
            Oracle.Price price = oracle.current(c).orElseThrow(() -> Refusal.conflict(
                    "there is no IO price yet: the admin sets it with corral admin set-price"));
            long iosd = IoPrice.microsFor(io.minor(), price.microsPerIo());
            if (iosd == 0) {
                throw Refusal.invalid(io + " is worth less than one micro-IOSD at " + price.microsPerIo()
                        + " micro-USD per IO");
            }
            try {
                ledger.apply(c, List.of(burn,
                        new Transfer(key + ":mint", LedgerAccounts.mint(Currency.IOSD),
                                LedgerAccounts.user(account, Currency.IOSD), new Money(iosd, Currency.IOSD),
                                TransferKind.IOSD_MINT, null)), clock.instant());
            } catch (Ledger.InsufficientFundsException e) {
                throw Refusal.insufficientFunds("the IO balance is short of " + io);
            }
            return null;
        });
        return wallet(account);
    }

    /** Admin: moves IO from the community allocation to the market maker, which sells it for the buy-and-burn. */
    public Map<String, String> fundMarketMaker(String ioText, String idempotencyKey) {
        Money io = Money.parse("io", ioText, Currency.IO);
        if (io.minor() == 0) {
            throw Refusal.invalid("io must be more than zero");
        }
        String key = "market-maker:" + AccountService.requestKey(idempotencyKey);
        Money held = db.transaction(c -> {
            try {
                ledger.apply(c, List.of(new Transfer(key, LedgerAccounts.genesis("community"),
                        LedgerAccounts.marketMaker(Currency.IO), io, TransferKind.MARKET_MAKER_FUNDING, null)),
                        clock.instant());
            } catch (Ledger.InsufficientFundsException e) {
                throw Refusal.insufficientFunds("the community allocation holds less than " + io);
            }
            return ledger.balance(c, LedgerAccounts.marketMaker(Currency.IO), Currency.IO);
        });
        return Map.of("marketMakerIo", held.toDecimal().toPlainString());
    }

    public WalletView wallet(AccountId account) {
        return db.transaction(c -> {
            List<Amount> balances = new ArrayList<>();
            List<Amount> escrow = new ArrayList<>();
            List<Amount> earned = new ArrayList<>();
            for (Currency currency : WALLET_CURRENCIES) {
                String wallet = LedgerAccounts.user(account, currency);
                balances.add(Amount.of(ledger.balance(c, wallet, currency)));
                if (currency != Currency.IO) {
                    escrow.add(Amount.of(clusters.heldInEscrow(c, account, currency)));
                    earned.add(Amount.of(ledger.earned(c, wallet, currency)));
                }
            }
            Amount rewards = Amount.of(ledger.rewarded(c, LedgerAccounts.user(account, Currency.IO)));
            return new WalletView(account.value(), balances, escrow, earned, rewards,
                    oracle.current(c).map(TokenService::view).orElse(null));
        });
    }

    private static OraclePrice view(Oracle.Price price) {
        return new OraclePrice(price.setAt(), Amount.of(Money.usd(price.microsPerIo())));
    }
}
