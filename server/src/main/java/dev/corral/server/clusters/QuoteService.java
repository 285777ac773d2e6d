package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Ids;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.QuoteRequest;
import dev.corral.core.api.QuoteView;
import dev.corral.scheduler.ClusterRequest;
import dev.corral.scheduler.CustomerDiscount;
import dev.corral.scheduler.Layout;
import dev.corral.scheduler.OfferQuery;
import dev.corral.scheduler.PoolDevice;
import dev.corral.scheduler.PriceOracle;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.CustomerHistory;
import dev.corral.server.devices.DeviceState;
import dev.corral.store.Database;
import dev.corral.store.Quotes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Prices clusters: the oracle's price for this customer now, kept as a quote for
 * {@link #QUOTE_TTL}; a deploy pays its quote's price while it holds, else the price of the moment.
 */
public final class QuoteService {
    static final Duration QUOTE_TTL = Duration.ofMinutes(5);

    private final Database db;
    private final Quotes quotes;
    private final CustomerHistory history;
    private final DeviceState devices;
    private final Clock clock;

    public QuoteService(Database db, Quotes quotes, CustomerHistory history, DeviceState devices, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.quotes = requireNonNull(quotes, "quotes is null");
        this.history = requireNonNull(history, "history is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Prices a request for this customer and keeps the price for {@link #QUOTE_TTL}. */
    public QuoteView quote(AccountId owner, QuoteRequest asked) {
        ClusterRequest request = DeployOrder.request(asked.gpu(), Boolean.TRUE.equals(asked.cpu()),
                asked.gpusPerDevice(), asked.count(), asked.hours(), asked.region());
        OfferQuery where = DeployOrder.where(asked.where());
        CustomerDiscount.Tier tier = customerTier(owner);
        PriceOracle.Price price = oraclePrice(request, where, tier);
        // A quote does not name a runtime: it counts the devices that run ranks in any.
        int available = devices.matching(Placements.of(request, where, price.perDeviceHour(), Layout.ANY, 0,
                PoolDevice.RUNTIMES_ALL));
        Instant now = clock.instant();
        Quotes.Quote quote = new Quotes.Quote(Ids.random(DeployOrder.QUOTE_PREFIX), owner,
                DeployOrder.canonical(request, where), price.perDeviceHour().minor(), now, now.plus(QUOTE_TTL));
        db.transaction(c -> {
            quotes.insert(c, quote);
            return null;
        });
        return new QuoteView(quote.id(), quote.expiresAt(), request.kind().name(),
                request.gpuModel() == null ? null : request.gpuModel().name(), request.gpusPerDevice(), request.count(),
                request.hours(), Amount.of(price.perDeviceHour()), Amount.of(price.total(request)), available,
                new QuoteView.Breakdown(Amount.of(price.basePerDeviceHour()), price.utilisation(),
                        price.utilisationMultiplier(), price.tierMultiplier(), price.durationDiscountBasisPoints() / 100.0,
                        tier.name(), price.customerDiscountBasisPoints() / 100.0));
    }

    /** The price per device-hour a deploy pays: its quote's, if it names one that still holds, or the oracle's now. */
    Money pricePerDeviceHour(AccountId owner, DeployOrder order) {
        ClusterRequest request = order.request();
        if (order.quoteId() == null) {
            return in(oraclePrice(request, order.where(), customerTier(owner)).perDeviceHour(), order);
        }
        Quotes.Quote quote = db.transaction(c -> quotes.owned(c, owner, order.quoteId()))
                .orElseThrow(() -> Refusal.notFound("quote", order.quoteId()));
        if (clock.instant().isAfter(quote.expiresAt())) {
            throw Refusal.conflict("quote " + quote.id() + " expired at " + quote.expiresAt()
                    + ": ask for a new quote, or deploy without one at the price of the moment");
        }
        if (!quote.request().equals(DeployOrder.canonical(request, order.where()))) {
            throw Refusal.invalid("quote " + quote.id() + " priced another request (" + quote.request()
                    + "): quote this one first");
        }
        return in(Money.usd(quote.priceMicros()), order);
    }

    private CustomerDiscount.Tier customerTier(AccountId owner) {
        return CustomerDiscount.tier(db.transaction(c -> history.of(c, owner)));
    }

    /**
     * What the oracle charges now for one device-hour of this hardware before any customer
     * discount, and the share of its model's devices hired: what a supplier's device would be
     * hired at. Nothing is stored (a quote is).
     */
    public PriceOracle.Price marketPrice(String gpu, boolean cpu, int gpusPerDevice) {
        ClusterRequest request = DeployOrder.request(gpu, cpu, cpu ? null : gpusPerDevice, 1, 1, null);
        return oraclePrice(request, DeployOrder.where(null), CustomerDiscount.TIERS.getFirst());
    }

    /** The oracle's price now: the model's utilisation is read from the index. */
    private PriceOracle.Price oraclePrice(ClusterRequest request, OfferQuery where, CustomerDiscount.Tier tier) {
        return PriceOracle.price(request, where, devices.utilisation(request.kind(), request.gpuModel()),
                tier.basisPoints());
    }

    /** A USD price in the currency a cluster is paid in; IOSD is pegged 1:1 with the same decimals. */
    private static Money in(Money usd, DeployOrder order) {
        return new Money(usd.minor(), order.currency());
    }
}
