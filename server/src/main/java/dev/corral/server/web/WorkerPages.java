package dev.corral.server.web;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.Currency;
import dev.corral.core.DeviceId;
import dev.corral.core.Money;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.JoinTokenView;
import dev.corral.core.api.RewardView;
import dev.corral.core.api.StakeView;
import dev.corral.core.api.TransferView;
import dev.corral.core.api.WalletView;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.devices.DeviceService;
import dev.corral.server.devices.TelemetryHistory;
import dev.corral.server.tokens.EpochService;
import dev.corral.server.tokens.StakeService;
import dev.corral.server.tokens.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
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
    /** How far back the earnings read: the most transfers and rewards one read may take. */
    static final int TRANSFERS_READ = 500;
    static final int REWARDS_READ = 1_000;

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
            List<StakeView> stakes) {}

    /** The set-up page: a fresh join token once asked for, and the coordinator's address. */
    public record Setup(Sessions.SignedIn session, String server, JoinTokenView token) {
        public String command() {
            return "corral worker --server " + server + " --join-token " + token.token();
        }
    }

    private final WebPages web;
    private final DeviceService devices;
    private final TelemetryHistory telemetry;
    private final AccountService accounts;
    private final EpochService epochs;
    private final TokenService tokens;
    private final StakeService stakes;

    public WorkerPages(WebPages web, DeviceService devices, TelemetryHistory telemetry, AccountService accounts,
            EpochService epochs, TokenService tokens, StakeService stakes) {
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
                        tokens.wallet(session.account()), stakes.list(session.account())))));
        routes.get("/worker/setup", web.signedIn((ctx, session) -> web.render(ctx, "worker/setup.jte",
                new Setup(session, server(ctx), null))));
        routes.post("/worker/setup", web.change((ctx, session) -> web.render(ctx, "worker/setup.jte",
                new Setup(session, server(ctx), devices.joinToken(session.account())))));
        routes.get("/worker/data/devices/{id}/telemetry", web.signedInData((ctx, session) -> ctx.json(
                telemetry.of(session.account(), ctx.pathParam("id"),
                        Optional.ofNullable(ctx.queryParam("span")).orElse("1h")))));
    }

    private static DeviceRow row(DeviceView device, Map<DeviceId, Long> uptime) {
        return new DeviceRow(device, uptime.getOrDefault(new DeviceId(device.deviceId()), 0L));
    }

    /** Pay (USD transfers to the owner for their devices' work) and IO rewards, by UTC day, newest first. */
    private List<Day> earningsByDay(AccountId owner) {
        TreeMap<LocalDate, long[]> byDay = new TreeMap<>();
        for (TransferView transfer : accounts.transfers(owner, TRANSFERS_READ)) {
            if ("SUPPLIER_PAYMENT".equals(transfer.kind()) && transfer.creditAccount().startsWith("user:")) {
                byDay.computeIfAbsent(day(transfer.createdAt()), d -> new long[2])[0] += transfer.amount().minor();
            }
        }
        List<RewardView> rewards = epochs.rewards(owner, REWARDS_READ);
        if (!rewards.isEmpty()) {
            long first = rewards.stream().mapToLong(RewardView::epoch).min().orElseThrow();
            long last = rewards.stream().mapToLong(RewardView::epoch).max().orElseThrow();
            Map<Long, Instant> endOf = new TreeMap<>();
            for (EpochRecord record : epochs.epochs(first, (int) Math.min(EpochRecord.PAGE_MAX, last - first + 1))) {
                endOf.put(record.epoch(), Instant.ofEpochMilli(record.endsAtMillis()));
            }
            for (RewardView reward : rewards) {
                Instant at = endOf.get(reward.epoch());
                if (at != null) {
                    byDay.computeIfAbsent(day(at), d -> new long[2])[1] += reward.amount().minor();
                }
            }
        }
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
