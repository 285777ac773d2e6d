package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.corral.core.Json;
import dev.corral.core.Money;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAudit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A ledger as someone with the coordinator's key could publish it, and a server that publishes it. */
record ForgedLedger(List<JournalEntry> journal, List<EpochRecord> epochs) {

    /** The first deposit made 1 USD bigger, the chain and every record after it rebuilt and signed with the key. */
    static ForgedLedger rewrite(List<JournalEntry> journal, List<EpochRecord> epochs, KeyPair key) {
        List<JournalEntry> forged = new ArrayList<>();
        boolean changed = false;
        String head = JournalEntry.GENESIS_HASH;
        for (JournalEntry entry : journal) {
            Transfer t = entry.transfer();
            if (!changed && t.kind() == TransferKind.DEPOSIT) {
                t = new Transfer(t.idempotencyKey(), t.debitAccount(), t.creditAccount(),
                        new Money(t.amount().minor() + 1_000_000, t.amount().currency()), t.kind(), t.clusterId());
                changed = true;
            }
            JournalEntry chained = JournalEntry.chain(entry.seq(), t, entry.createdAtMillis(), head);
            forged.add(chained);
            head = chained.hash();
        }
        assertThat(changed).as("a deposit to change").isTrue();
        List<EpochRecord> records = new ArrayList<>();
        for (EpochRecord r : epochs) {
            List<JournalEntry> upTo = forged.subList(0, (int) r.journalSeq());
            Map<String, Long> balances = LedgerAudit.verify(upTo, List.of(), key.getPublic()).balances();
            List<BalanceTree.Leaf> leaves = LedgerAudit.leaves(balances);
            String journalHead = upTo.isEmpty() ? JournalEntry.GENESIS_HASH : upTo.getLast().hash();
            records.add(new EpochRecord(r.epoch(), r.startsAtMillis(), r.endsAtMillis(), r.journalSeq(), journalHead,
                    r.blockEmission(), r.minted(), r.burned(), r.supply(), BalanceTree.root(leaves), leaves.size(), null)
                    .signedWith(key.getPrivate()));
        }
        return new ForgedLedger(forged, records);
    }

    /** Serves this ledger at the coordinator's public ledger routes, with this key. */
    Server serve(KeyPair key) throws IOException {
        return new Server(this, null, key);
    }

    /** A server of the public ledger routes, over plain HTTP on loopback. */
    static final class Server implements AutoCloseable {
        private final HttpServer server;

        private Server(ForgedLedger ledger, String rawJournal, KeyPair key) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/v1/ledger/key", exchange -> answer(exchange, Map.of("algorithm", "Ed25519",
                    "publicKey", AgentSignature.encodePublicKey(key.getPublic()))));
            server.createContext("/api/v1/ledger/journal", exchange -> {
                Map<String, Long> query = query(exchange);
                if (rawJournal != null) {
                    // One page of JSON no Java record could hold (a negative amount, say), then the end.
                    answerText(exchange, query.getOrDefault("after", 0L) == 0 ? rawJournal : "[]");
                    return;
                }
                answer(exchange, ledger.journal().stream().filter(e -> e.seq() > query.getOrDefault("after", 0L))
                        .limit(query.getOrDefault("limit", (long) JournalEntry.PAGE_MAX)).toList());
            });
            server.createContext("/api/v1/ledger/epochs", exchange -> {
                Map<String, Long> query = query(exchange);
                answer(exchange, ledger.epochs().stream().filter(r -> r.epoch() >= query.getOrDefault("from", 0L))
                        .limit(query.getOrDefault("limit", (long) EpochRecord.PAGE_MAX)).toList());
            });
            server.start();
        }

        /** A server of this journal text as it is, and these records. */
        static Server raw(String journalJson, List<EpochRecord> epochs, KeyPair key) throws IOException {
            return new Server(new ForgedLedger(List.of(), epochs), journalJson, key);
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private static Map<String, Long> query(HttpExchange exchange) {
            Map<String, Long> query = new HashMap<>();
            String raw = exchange.getRequestURI().getQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            return query;
        }

        private static void answer(HttpExchange exchange, Object value) throws IOException {
            answerText(exchange, Json.mapper().writeValueAsString(value));
        }

        private static void answerText(HttpExchange exchange, String text) throws IOException {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
