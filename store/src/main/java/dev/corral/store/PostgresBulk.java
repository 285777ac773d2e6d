package dev.corral.store;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL's shapes for bulk work, which H2 lacks: many rows updated from arrays in one
 * statement, and rows appended with COPY instead of INSERT.
 */
final class PostgresBulk {
    /** Characters of COPY text sent to the server at a time. */
    static final int COPY_CHUNK_CHARS = 64 * 1024;

    private PostgresBulk() {}

    static boolean on(Connection c) throws SQLException {
        return c.isWrapperFor(PGConnection.class);
    }

    /** Sets a BIGINT column of the rows with these string keys, all in one statement. */
    static void updateLongs(Connection c, String table, String keyColumn, String valueColumn, List<String> keys,
            List<Long> values) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        Array keyArray = c.createArrayOf("varchar", keys.toArray());
        Array valueArray = c.createArrayOf("bigint", values.toArray());
        try (PreparedStatement statement = c.prepareStatement("UPDATE " + table + " t SET " + valueColumn
                + " = u.v FROM UNNEST(?, ?) AS u(k, v) WHERE t." + keyColumn + " = u.k")) {
            statement.setArray(1, keyArray);
            statement.setArray(2, valueArray);
            int updated = statement.executeUpdate();
            if (updated != keys.size()) {
                throw new IllegalStateException("updated " + updated + " rows of " + table + " for " + keys.size()
                        + " keys");
            }
        } finally {
            keyArray.free();
            valueArray.free();
        }
    }

    /**
     * Appends rows with COPY in text format; values are written with toString, null as \N. The
     * rows go to the server {@link #COPY_CHUNK_CHARS} at a time as they are written, so that the
     * server parses and indexes one part while the next is formatted.
     */
    static void copy(Connection c, String table, List<String> columns, List<Object[]> rows) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " ("
                + String.join(", ", columns) + ") FROM STDIN");
        try {
            StringBuilder text = new StringBuilder(COPY_CHUNK_CHARS + COPY_CHUNK_CHARS / 4);
            for (Object[] row : rows) {
                if (row.length != columns.size()) {
                    // The COPY is cancelled below, and the transaction it is in rolls back.
                    throw new IllegalArgumentException("a row has " + row.length + " values for " + columns.size()
                            + " columns");
                }
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        text.append('\t');
                    }
                    appendEscaped(text, row[i]);
                }
                text.append('\n');
                if (text.length() >= COPY_CHUNK_CHARS) {
                    send(copy, text);
                }
            }
            send(copy, text);
            long copied = copy.endCopy();
            if (copied != rows.size()) {
                throw new IllegalStateException("copied " + copied + " rows into " + table + " of " + rows.size());
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void send(CopyIn copy, StringBuilder text) throws SQLException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        text.setLength(0);
    }

    /** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
    private static void appendEscaped(StringBuilder text, Object value) {
        if (value == null) {
            text.append("\\N");
            return;
        }
        String s = value.toString();
        if (!needsEscape(s)) {
            text.append(s);
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(ch);
            }
        }
    }

    private static boolean needsEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                return true;
            }
        }
        return false;
    }
}
