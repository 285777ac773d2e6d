package dev.corral.store;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * PostgreSQL's shapes for bulk work, which H2 lacks: many rows updated from arrays in one
 * statement, and rows appended with COPY instead of INSERT.
 */
final class PostgresBulk {
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

    /** Appends rows with COPY in text format; values are written with toString, null as \N. */
    static void copy(Connection c, String table, List<String> columns, List<Object[]> rows) throws SQLException {
        StringBuilder text = new StringBuilder(rows.size() * 256);
        for (Object[] row : rows) {
            if (row.length != columns.size()) {
                throw new IllegalArgumentException("a row has " + row.length + " values for " + columns.size() + " columns");
            }
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                appendEscaped(text, row[i]);
            }
            text.append('\n');
        }
        try {
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " ("
                    + String.join(", ", columns) + ") FROM STDIN", new StringReader(text.toString()));
            if (copied != rows.size()) {
                throw new IllegalStateException("copied " + copied + " rows into " + table + " of " + rows.size());
            }
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed", e);
        }
    }

    /** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
    private static void appendEscaped(StringBuilder text, Object value) {
        if (value == null) {
            text.append("\\N");
            return;
        }
        String s = value.toString();
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
}
