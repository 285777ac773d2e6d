package dev.corral.server.web;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.Currency;
import dev.corral.core.Json;
import dev.corral.core.Money;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.OraclePrice;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.server.Refusal;
import dev.corral.server.http.Params;
import dev.corral.server.network.NetworkService;
import dev.corral.server.network.Recent;
import dev.corral.server.tokens.EpochService;
import dev.corral.server.tokens.StakeService;
import dev.corral.server.tokens.TokenService;
import dev.corral.store.Epochs;
import dev.corral.store.NetworkSamples;
import dev.corral.store.Stakes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Explorer: what anyone may see of the network without an account, on web pages. Every
 * figure comes from the same services as the public API, so a page and the API agree.
 */
public final class ExplorerPages {
    /** Blocks (closed epochs) on one page of the blocks table, and on the overview. */
    static final int BLOCKS_PER_PAGE = 50;
    static final int BLOCKS_ON_OVERVIEW = 8;
    /** Journal entries on one page of the journal browser. */
    static final int ENTRIES_PER_PAGE = 50;
    /** The overview is computed once for everyone who asks within this long. */
    static final Duration OVERVIEW_AGE_MAX = Duration.ofSeconds(5);
    /** The blocks the supply chart spans: the newest this many. */
    static final int SUPPLY_CHART_BLOCKS = EpochRecord.PAGE_MAX;

    /** A block in a list: its signed record and its close's counts (none for a block closed before they were kept). */
    public record BlockRow(EpochRecord record, Epochs.Summary summary) {}

    /** One block with the devices its close considered. */
    public record BlockPage(EpochService.Block block, long blocksClosed) {}

    /** The overview: devices, clusters, supply, stake, the price of IO and the newest blocks. */
    public record Overview(NetworkStats stats, Stakes.Totals staking, Optional<OraclePrice> price,
            List<BlockRow> blocks, long blocksClosed) {
        /** Devices in a cluster, of those online. */
        public String utilisation() {
            return Format.percent(stats.models().stream().mapToLong(NetworkStats.ModelCount::hired).sum(),
                    stats.devicesOnline());
        }

        public String priceOfIo() {
            return price.map(p -> Format.money(new Money(p.usdPerIo().minor(), Currency.USD))).orElse("not set");
        }

        /** The devices online by country as JSON, for the map's script. */
        public String countriesJson() {
            try {
                return Json.mapper().writeValueAsString(stats.devicesOnlineByCountry());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a map of counts is always JSON", e);
            }
        }
    }

    /** One page of blocks, newest first, with the epochs of the pages before and after it (if any). */
    public record Blocks(List<BlockRow> blocks, long blocksClosed, Long newerBefore, Long olderBefore) {}

    /** One page of the journal, oldest first, with where the pages before and after it start (if any). */
    public record Journal(List<JournalEntry> entries, long length, Long previousAfter, Long nextAfter) {}

    /** The verification page: it needs only what its script fetches. */
    public record Verify(long journalLength, long blocksClosed) {}

    private final Pages pages;
    private final NetworkService network;
    private final EpochService epochs;
    private final StakeService stakes;
    private final TokenService tokens;
    private final Recent<Overview> overview;

    public ExplorerPages(Pages pages, NetworkService network, EpochService epochs, StakeService stakes,
            TokenService tokens) {
        this.pages = requireNonNull(pages, "pages is null");
        this.network = requireNonNull(network, "network is null");
        this.epochs = requireNonNull(epochs, "epochs is null");
        this.stakes = requireNonNull(stakes, "stakes is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.overview = new Recent<>(OVERVIEW_AGE_MAX, this::computeOverview);
    }

    public void register(RoutesConfig routes) {
        routes.get("/", ctx -> ctx.redirect("/explorer"));
        routes.get("/explorer", pages.page(ctx -> pages.render(ctx, "explorer/overview.jte", overview.get())));
        routes.get("/explorer/blocks", pages.page(this::blocks));
        routes.get("/explorer/blocks.csv", this::blocksCsv);
        routes.get("/explorer/blocks/{epoch}", pages.page(ctx -> pages.render(ctx, "explorer/block.jte",
                new BlockPage(epochs.block(epochParam(ctx)), epochs.closed()))));
        routes.get("/explorer/blocks/{epoch}/devices.csv", this::blockDevicesCsv);
        routes.get("/explorer/journal", pages.page(this::journal));
        routes.get("/explorer/verify", ctx -> pages.render(ctx, "explorer/verify.jte",
                new Verify(epochs.journalLength(), epochs.closed())));
        routes.get("/explorer/data/history", this::history);
        routes.get("/explorer/data/supply", this::supply);
    }

    private Overview computeOverview() {
        NetworkStats stats = network.stats();
        EpochService.Newest newest = epochs.newest(BLOCKS_ON_OVERVIEW);
        return new Overview(stats, stakes.totals(), tokens.prices(1).stream().findFirst(), rows(newest.epochs()),
                newest.closed());
    }

    private void blocks(Context ctx) {
        long closed = epochs.closed();
        long before = Params.longParam(ctx, "before", closed);
        if (before < 0) {
            throw Refusal.invalid("before must be >= 0");
        }
        before = Math.min(before, closed);
        long from = Math.max(0, before - BLOCKS_PER_PAGE);
        List<EpochRecord> page = before == 0 ? List.of()
                : new ArrayList<>(epochs.epochs(from, (int) (before - from)));
        Collections.reverse(page);
        pages.render(ctx, "explorer/blocks.jte", new Blocks(rows(page), closed,
                before < closed ? Math.min(closed, before + BLOCKS_PER_PAGE) : null, from > 0 ? from : null));
    }

    /** Every closed block as CSV, oldest first, amounts in base units: the same figures as the epochs API. */
    private void blocksCsv(Context ctx) throws IOException {
        csv(ctx, "corral-blocks.csv", out -> {
            out.write(BlocksCsv.HEADER);
            long from = 0;
            while (true) {
                List<EpochRecord> page = epochs.epochs(from, EpochRecord.PAGE_MAX);
                for (EpochRecord record : page) {
                    out.write(BlocksCsv.row(record));
                }
                if (page.size() < EpochRecord.PAGE_MAX) {
                    break;
                }
                from = page.getLast().epoch() + 1;
            }
        });
    }

    /** The devices a block's close considered, as CSV: pseudonym, seconds online, proven, challenges, reward in base units. */
    private void blockDevicesCsv(Context ctx) throws IOException {
        EpochService.Block block = epochs.block(epochParam(ctx));
        csv(ctx, "corral-block-" + block.record().epoch() + "-devices.csv", out -> {
            out.write(BlocksCsv.DEVICES_HEADER);
            for (EpochService.BlockDevice device : block.devices()) {
                out.write(BlocksCsv.deviceRow(block.record().epoch(), device));
            }
        });
    }

    /** What writes a CSV's lines. */
    @FunctionalInterface
    private interface CsvLines {
        void write(Writer out) throws IOException;
    }

    /** Answers a CSV file to download under this name, its lines written as they come. */
    private static void csv(Context ctx, String fileName, CsvLines lines) throws IOException {
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        ctx.header("X-Content-Type-Options", "nosniff");
        try (Writer out = new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8)) {
            lines.write(out);
        }
    }

    private List<BlockRow> rows(List<EpochRecord> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        long from = records.stream().mapToLong(EpochRecord::epoch).min().orElseThrow();
        long to = records.stream().mapToLong(EpochRecord::epoch).max().orElseThrow() + 1;
        Map<Long, Epochs.Summary> summaries = epochs.summaries(from, to);
        return records.stream().map(r -> new BlockRow(r, summaries.get(r.epoch()))).toList();
    }

    private static long epochParam(Context ctx) {
        try {
            long epoch = Long.parseLong(ctx.pathParam("epoch"));
            if (epoch >= 0) {
                return epoch;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Refusal.notFound("closed block", ctx.pathParam("epoch"));
    }

    private void journal(Context ctx) {
        long length = epochs.journalLength();
        long after = Params.longParam(ctx, "after", Math.max(0, length - ENTRIES_PER_PAGE));
        if (after < 0) {
            throw Refusal.invalid("after must be >= 0");
        }
        List<JournalEntry> entries = epochs.journal(after, ENTRIES_PER_PAGE);
        Long next = !entries.isEmpty() && entries.getLast().seq() < length ? entries.getLast().seq() : null;
        pages.render(ctx, "explorer/journal.jte", new Journal(entries, length,
                after > 0 ? Math.max(0, after - ENTRIES_PER_PAGE) : null, next));
    }

    /** Devices online, idle and hired over the span asked for, as columns a chart reads (times in seconds). */
    private void history(Context ctx) {
        List<NetworkSamples.Sample> samples = network.history(ChartSpan.parse(ctx.queryParam("span"), "1d"));
        Map<String, List<Long>> columns = new LinkedHashMap<>();
        columns.put("at", samples.stream().map(s -> s.at().getEpochSecond()).toList());
        columns.put("online", samples.stream().map(s -> (long) s.online()).toList());
        columns.put("idle", samples.stream().map(s -> (long) s.idle()).toList());
        columns.put("hired", samples.stream().map(s -> (long) s.hired()).toList());
        Pages.secure(ctx);
        ctx.json(columns);
    }

    /**
     * IO minted, burned and in existence at the close of each of the newest blocks, in whole IO
     * (a chart's scale: the exact figures are on the blocks page and in the CSV).
     */
    private void supply(Context ctx) {
        EpochService.Newest newest = epochs.newest(SUPPLY_CHART_BLOCKS);
        List<EpochRecord> oldestFirst = new ArrayList<>(newest.epochs());
        Collections.reverse(oldestFirst);
        Map<String, List<Long>> columns = new LinkedHashMap<>();
        columns.put("at", oldestFirst.stream().map(r -> r.endsAtMillis() / 1000).toList());
        columns.put("supply", oldestFirst.stream().map(r -> EmissionSchedule.wholeIo(r.supply())).toList());
        columns.put("minted", oldestFirst.stream().map(r -> EmissionSchedule.wholeIo(r.minted())).toList());
        columns.put("burned", oldestFirst.stream().map(r -> EmissionSchedule.wholeIo(r.burned())).toList());
        Pages.secure(ctx);
        ctx.json(columns);
    }
}
