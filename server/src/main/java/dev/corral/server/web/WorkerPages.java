package dev.corral.server.web;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.GpuModel;
import dev.corral.core.HardwareCatalog;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.JoinTokenView;
import dev.corral.core.api.StakeView;
import dev.corral.core.api.TransferView;
import dev.corral.core.api.WalletView;
import dev.corral.ledger.ComputeWeight;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.ledger.NetworkFee;
import dev.corral.scheduler.PriceOracle;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.accounts.Secrets;
import dev.corral.server.clusters.QuoteService;
import dev.corral.server.network.NetworkService;
import dev.corral.server.devices.DeviceService;
import dev.corral.server.devices.TelemetryHistory;
import dev.corral.server.tokens.EpochService;
import dev.corral.server.tokens.StakeService;
import dev.corral.server.tokens.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Worker dashboard: a supplier sees their devices with their status and why, each device's
 * telemetry over the last hour and day, uptime, challenges and reputation; earnings per day in
 * USD and IO; the wallet and stakes; and how to join another machine, with a fresh join token.
 */
public final class WorkerPages {
    /** The span of the uptime shown per device. */
    static final Duration UPTIME_SPAN = Duration.ofDays(30);
    /** The days of earnings shown. */
    static final int EARNING_DAYS_SHOWN = 30;
    /** How far back the pay per day reads: the owner's newest transfers, at most this many. */
    static final int TRANSFERS_READ = 500;
    /** The calculator's power draw for a CPU device when none is given, in watts. */
    static final int CPU_POWER_W_DEFAULT = 200;
    /** The largest whole number and the most digits the calculator takes. */
    static final int CALCULATOR_NUMBER_MAX = 100_000;
    static final int CALCULATOR_DIGITS_MAX = 12;

    /** A device and its time online in the last 30 days. */
    public record DeviceRow(DeviceView device, long uptimeMillis) {
        /** The uptime as a share of the 30 days and in hours: "0.5% · 3.6 h". */
        public String uptime() {
            return Format.share((double) uptimeMillis / UPTIME_SPAN.toMillis()) + " · "
                    + String.format(java.util.Locale.US, "%.1f h", uptimeMillis / 3_600_000.0);
        }
    }

    public record Devices(Sessions.SignedIn session, List<DeviceRow> devices) {
        public long online() {
            return devices.stream().filter(d -> !"OFFLINE".equals(d.device().status())).count();
        }

        public long hired() {
            return devices.stream().filter(d -> d.device().clusterId() != null).count();
        }
    }

    public record Device(Sessions.SignedIn session, DeviceRow row) {}

    /** One UTC day's earnings: pay received in USD and IO rewarded. */
    public record Day(LocalDate day, Money usd, long ioBaseUnits) {}

    public record Earnings(Sessions.SignedIn session, List<Day> days, AccountView account, WalletView wallet,
            List<StakeView> stakes, String message, String idempotencyKey) {}

    /** The set-up page: a fresh join token once asked for, and the coordinator's address. */
    public record Setup(Sessions.SignedIn session, String server, JoinTokenView token) {
        public String command() {
            return "corral worker --server " + server + " --join-token " + token.token();
        }
    }

    /**
     * The calculator's form as given (empty where not) and its answer: the estimate, the market
     * price it used and the share of hours hired it assumed, or why there is none.
     */
    public record Calculator(Sessions.SignedIn session, List<HardwareCatalog.Gpu> gpus, String gpu, String gpusPerDevice,
            String powerW, String usdPerKwh, String floorUsd, String hiredPercent, ProfitEstimate estimate,
            int wattsUsed, String hiredPercentUsed, String marketPerHour, String error) {}

    private final WebPages web;
    private final DeviceService devices;
    private final TelemetryHistory telemetry;
    private final AccountService accounts;
    private final EpochService epochs;
    private final TokenService tokens;
    private final StakeService stakes;

    private final QuoteService quotes;
    private final NetworkService network;

    public WorkerPages(WebPages web, DeviceService devices, TelemetryHistory telemetry, AccountService accounts,
            EpochService epochs, TokenService tokens, StakeService stakes, QuoteService quotes, NetworkService network) {
        this.quotes = requireNonNull(quotes, "quotes is null");
        this.network = requireNonNull(network, "network is null");
        this.web = requireNonNull(web, "web is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.telemetry = requireNonNull(telemetry, "telemetry is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.epochs = requireNonNull(epochs, "epochs is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
    }

    public void register(RoutesConfig routes) {
        routes.get("/worker", ctx -> ctx.redirect("/worker/devices"));
        routes.get("/worker/devices", web.signedIn((ctx, session) -> {
            Map<DeviceId, Long> uptime = devices.uptimeOfOwner(session.account(), UPTIME_SPAN);
            web.render(ctx, "worker/devices.jte", new Devices(session, devices.list(session.account()).stream()
                    .map(d -> row(d, uptime)).toList()));
        }));
        routes.get("/worker/devices/{id}", web.signedIn((ctx, session) -> {
            DeviceView device = devices.get(session.account(), ctx.pathParam("id"));
            web.render(ctx, "worker/device.jte", new Device(session,
                    row(device, devices.uptimeOfOwner(session.account(), UPTIME_SPAN))));
        }));
        routes.get("/worker/earnings", web.signedIn((ctx, session) -> web.render(ctx, "worker/earnings.jte",
                new Earnings(session, earningsByDay(session.account()), accounts.view(session.account()),
                        tokens.wallet(session.account()), stakes.list(session.account()),
                        "minted".equals(ctx.queryParam("message")) ? "IOSD minted: see the wallet below." : null,
                        Secrets.newSecret("web")))));
        routes.post("/worker/wallet/mint-iosd", web.change((ctx, session) -> {
            tokens.mintIosd(session.account(), Optional.ofNullable(ctx.formParam("io")).orElse("").strip(),
                    ctx.formParam("idempotencyKey"));
            ctx.redirect("/worker/earnings?message=minted");
        }));
        routes.get("/worker/setup", web.signedIn((ctx, session) -> web.render(ctx, "worker/setup.jte",
                new Setup(session, server(ctx), null))));
        routes.post("/worker/setup", web.change((ctx, session) -> web.render(ctx, "worker/setup.jte",
                new Setup(session, server(ctx), devices.joinToken(session.account())))));
        routes.get("/worker/calculator", web.signedIn(this::calculator));
        routes.get("/worker/data/devices/{id}/telemetry", web.signedInData((ctx, session) ->
                telemetry.of(session.account(), ctx.pathParam("id"), ChartSpan.parse(ctx.queryParam("span"), "1h"))));
    }

    /** The profitability calculator: the form, and once it is filled in, the estimate from the network's figures now. */
    private void calculator(Context ctx, Sessions.SignedIn session) {
        String gpu = param(ctx, "gpu", "H100");
        String gpus = param(ctx, "gpus", "1");
        String power = param(ctx, "power", "");
        String kwh = param(ctx, "kwh", "0.15");
        String floor = param(ctx, "floor", "0");
        String hired = param(ctx, "hired", "");
        List<HardwareCatalog.Gpu> catalog = HardwareCatalog.gpus();
        try {
            boolean cpu = "CPU".equals(gpu);
            int gpuCount = cpu ? 0 : positive("GPUs per device", gpus);
            PriceOracle.Price market = quotes.marketPrice(cpu ? null : gpu, cpu, Math.max(1, gpuCount));
            Optional<HardwareCatalog.Gpu> listed = cpu ? Optional.empty() : HardwareCatalog.gpu(GpuModel.parse(gpu));
            int watts = power.isEmpty() ? listed.map(g -> g.powerW() * gpuCount).orElse(CPU_POWER_W_DEFAULT)
                    : positive("power draw", power);
            BigDecimal hiredShare = hired.isEmpty() ? BigDecimal.valueOf(market.utilisation())
                    : decimal("hours hired", hired).divide(BigDecimal.valueOf(100));
            if (hiredShare.signum() < 0 || hiredShare.compareTo(BigDecimal.ONE) > 0) {
                throw Refusal.invalid("hours hired must be 0..100%");
            }
            EpochService.RewardOutlook outlook = epochs.rewardOutlook();
            long ioMicros = tokens.prices(1).stream().findFirst().map(p -> p.usdPerIo().minor()).orElse(0L);
            ProfitEstimate estimate = ProfitEstimate.of(new ProfitEstimate.Inputs(market.perDeviceHour().minor(),
                    Money.parse("price floor", floor, Currency.USD).minor(), hiredShare, NetworkFee.BASIS_POINTS,
                    outlook.nextBlockEmission(), outlook.availabilityShareBasisPoints(), outlook.blocksPerDay(),
                    ComputeWeight.milli(cpu ? null : listed.map(HardwareCatalog.Gpu::model).orElse(gpu), gpuCount),
                    network.onlineWeightMilli(), ioMicros, watts, decimal("power price", kwh)));
            web.render(ctx, "worker/calculator.jte", new Calculator(session, catalog, gpu, gpus, power, kwh, floor,
                    hired, estimate, watts, hiredShare.multiply(BigDecimal.valueOf(100))
                            .setScale(0, java.math.RoundingMode.HALF_EVEN).toPlainString(),
                    Format.money(market.perDeviceHour()), null));
        } catch (Refusal | IllegalArgumentException refused) {
            ctx.status(400);
            web.render(ctx, "worker/calculator.jte", new Calculator(session, catalog, gpu, gpus, power, kwh, floor,
                    hired, null, 0, null, null, refused.getMessage()));
        }
    }

    private static String param(Context ctx, String name, String fallback) {
        String value = ctx.queryParam(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int positive(String what, String text) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0 && value <= CALCULATOR_NUMBER_MAX) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Refusal.invalid(what + " must be a whole number 1.." + CALCULATOR_NUMBER_MAX + ", not '" + text + "'");
    }

    private static BigDecimal decimal(String what, String text) {
        try {
            BigDecimal value = new BigDecimal(text);
            if (value.signum() >= 0 && value.precision() <= CALCULATOR_DIGITS_MAX) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Refusal.invalid(what + " must be a number of at most " + CALCULATOR_DIGITS_MAX + " digits, not '" + text
                + "'");
    }

    private static DeviceRow row(DeviceView device, Map<DeviceId, Long> uptime) {
        return new DeviceRow(device, uptime.getOrDefault(new DeviceId(device.deviceId()), 0L));
    }

    /**
     * Pay (USD paid into the owner's wallet for their devices' work, from its newest
     * {@link #TRANSFERS_READ} transfers) and IO availability rewards, by UTC day, newest first.
     */
    private List<Day> earningsByDay(AccountId owner) {
        TreeMap<LocalDate, long[]> byDay = new TreeMap<>();
        String wallet = LedgerAccounts.user(owner, Currency.USD);
        for (TransferView transfer : accounts.transfers(owner, TRANSFERS_READ)) {
            if ("SUPPLIER_PAYMENT".equals(transfer.kind()) && wallet.equals(transfer.creditAccount())) {
                byDay.computeIfAbsent(day(transfer.createdAt()), d -> new long[2])[0] += transfer.amount().minor();
            }
        }
        epochs.rewardsByDay(owner, Duration.ofDays(EARNING_DAYS_SHOWN))
                .forEach((day, io) -> byDay.computeIfAbsent(day, d -> new long[2])[1] += io);
        return byDay.descendingMap().entrySet().stream().limit(EARNING_DAYS_SHOWN)
                .map(e -> new Day(e.getKey(), new Money(e.getValue()[0], Currency.USD), e.getValue()[1])).toList();
    }

    private static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The address agents reach this coordinator at, as this browser reached it. */
    private static String server(Context ctx) {
        return ctx.scheme() + "://" + ctx.host();
    }
}
