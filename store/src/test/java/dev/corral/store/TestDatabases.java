package dev.corral.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh stores for tests: an H2 file per test, or a new schema on the PostgreSQL server at
 * 127.0.0.1:5432 (database test, trust auth). The PostgreSQL tests are required unless the
 * system property corral.test.postgres is "optional", where a missing server skips them.
 */
public final class TestDatabases {
    public static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private TestDatabases() {}

    /** Makes an empty schema and returns a JDBC URL whose connections use it. */
    public static String newPostgresSchema() {
        String schema = "corral_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            boolean optional = "optional".equals(System.getProperty("corral.test.postgres"));
            assumeTrue(!optional, "PostgreSQL is optional here and not reachable: " + e.getMessage());
            throw new IllegalStateException("PostgreSQL at " + POSTGRES_URL + " is required for these tests (start it, or "
                    + "run with -Dcorral.test.postgres=optional): " + e.getMessage(), e);
        }
        return POSTGRES_URL + "&currentSchema=" + schema;
    }

    /** Drops the schema a URL from {@link #newPostgresSchema} points at. */
    public static void dropPostgresSchema(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
