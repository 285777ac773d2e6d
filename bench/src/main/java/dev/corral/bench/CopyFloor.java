package dev.corral.bench;

import dev.corral.store.Database;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The floor of `bench ledger`: the same journal rows a measurement wrote, written again the
 * plainest way the store allows, into a bare table (no key, no index, no hash chain, no
 * balances), with the same rows per committed transaction. On PostgreSQL that is a COPY of
 * the rows as text; on the embedded H2 store, which has no COPY, an INSERT ... SELECT of
 * them. The ledger's rate over this rate is what the ledger's own work costs on this machine
 * in this hour.
 */
final class CopyFloor {
    static final String TABLE = "bench_copy_floor";

    private final Database db;

    CopyFloor(Database db) {
        this.db = db;
        db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
                s.execute("CREATE TABLE " + TABLE + " AS SELECT * FROM ledger_transfer WHERE 1 = 0");
            }
            return null;
        });
    }

    /** How the floor writes, for the printed line. */
    String method() {
        return db.isPostgres() ? "PostgreSQL COPY" : "H2 INSERT ... SELECT";
    }

    /**
     * Times writing the journal rows after {@code afterSeq} up to {@code lastSeq} into the bare
     * table, {@code rowsPerTransaction} per committed transaction; the table is emptied first.
     */
    Duration time(long afterSeq, long lastSeq, int rowsPerTransaction) {
        db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + TABLE);
            }
            return null;
        });
        List<long[]> chunks = new ArrayList<>();
        for (long from = afterSeq; from < lastSeq; from += rowsPerTransaction) {
            chunks.add(new long[] {from, Math.min(lastSeq, from + rowsPerTransaction)});
        }
        return db.isPostgres() ? copy(chunks) : insertSelect(chunks);
    }

    private Duration copy(List<long[]> chunks) {
        List<byte[]> texts = new ArrayList<>();
        for (long[] chunk : chunks) {
            texts.add(db.transaction(c -> export(c, chunk)));
        }
        long start = System.nanoTime();
        for (byte[] text : texts) {
            db.transaction(c -> {
                try {
                    return c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + TABLE + " FROM STDIN",
                            new ByteArrayInputStream(text));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static byte[] export(Connection c, long[] chunk) throws SQLException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM ledger_transfer WHERE seq > "
                    + chunk[0] + " AND seq <= " + chunk[1] + " ORDER BY seq) TO STDOUT", text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toByteArray();
    }

    private Duration insertSelect(List<long[]> chunks) {
        long start = System.nanoTime();
        for (long[] chunk : chunks) {
            db.transaction(c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                        + " SELECT * FROM ledger_transfer WHERE seq > ? AND seq <= ?")) {
                    insert.setLong(1, chunk[0]);
                    insert.setLong(2, chunk[1]);
                    return insert.executeUpdate();
                }
            });
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Drops the bare table, so the schema holds only the store's own. */
    void drop() {
        db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + TABLE);
            }
            return null;
        });
    }
}
