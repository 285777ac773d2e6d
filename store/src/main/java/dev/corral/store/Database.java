package dev.corral.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.flywaydb.core.Flyway;

/**
 * The coordinator's store: an embedded H2 file in PostgreSQL mode by default, or a
 * PostgreSQL server; the same migrations create both. Every write goes through
 * {@link #transaction}, which commits all of its work or none.
 */
public final class Database implements AutoCloseable {
    public static final int POOL_SIZE_MAX = 16;
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a statement waits for a row another transaction holds locked before it fails: both
     * stores, named rather than each one's own default (H2's 2 s, PostgreSQL's forever). Settling a
     * 10,000-device cluster holds its device rows while it writes; H2's 2 s failed heartbeats that
     * came in meanwhile. Under the agents' 15 s request timeout, so the answer still reaches them.
     */
    public static final Duration LOCK_WAIT_MAX = Duration.ofSeconds(10);
    /** How long closing waits for the transactions in flight to end before it closes the pool under them. */
    public static final Duration CLOSE_WAIT_MAX = Duration.ofSeconds(10);

    private final HikariDataSource dataSource;
    private final boolean postgres;
    /** Transactions hold it shared; closing takes it alone, so it waits for them and (fair) admits no new one. */
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock(true);
    private volatile boolean closed;

    private Database(String jdbcUrl) {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(POOL_SIZE_MAX);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setPoolName("corral-store");
        // Said, not assumed: the ledger reads balances unlocked once it holds the journal head's lock, which is
        // right only if each statement sees what was committed before it ran.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        this.postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        config.setConnectionInitSql(postgres ? "SET lock_timeout = " + LOCK_WAIT_MAX.toMillis()
                : "SET LOCK_TIMEOUT " + LOCK_WAIT_MAX.toMillis());
        this.dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** The embedded store in a data directory, created if missing. */
    public static Database embedded(Path dataDirectory) {
        return new Database(embeddedUrl(dataDirectory));
    }

    /**
     * The JDBC URL of the embedded store in a data directory. Through H2's {@code retry:} file
     * system: a thread interrupted while it reads or writes the file closes the file's channel for
     * every thread (Java's rule for interruptible channels), which broke the whole store until the
     * coordinator restarted (seen once, in `corral bench deploy` with 11,111 agents); the wrapper
     * opens the file again and repeats the operation. {@code WRITE_DELAY=0}: each commit reaches
     * the file before it returns, so a write the coordinator acknowledged survives its process
     * being killed (with H2's default 500 ms a deploy answered 201 was gone after kill -9); it
     * costs about a sixth of the heartbeat rate (BENCHMARKS.md).
     */
    public static String embeddedUrl(Path dataDirectory) {
        Path file = dataDirectory.toAbsolutePath().resolve("corral");
        return "jdbc:h2:retry:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    /** A store at a JDBC URL (jdbc:postgresql://... or jdbc:h2:...). */
    public static Database connect(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("only jdbc:postgresql: and jdbc:h2: URLs are supported: " + jdbcUrl);
        }
        return new Database(jdbcUrl);
    }

    /**
     * Publishes the connection pool's meters (connections active, idle, pending; acquire, usage
     * and creation times) to a Micrometer registry, passed untyped so the store needs no
     * Micrometer of its own: HikariCP recognises the registry's type itself.
     */
    public void publishPoolMetrics(Object meterRegistry) {
        dataSource.setMetricRegistry(meterRegistry);
    }

    public boolean isPostgres() {
        return postgres;
    }

    /**
     * Runs the work in one transaction: commit when it returns, roll back when it throws. Once
     * the store is closing it refuses with StoreClosedException and does nothing.
     */
    public <T> T transaction(SqlWork<T> work) {
        Lock shared = inFlight.readLock();
        shared.lock();
        try {
            if (closed) {
                throw new StoreClosedException();
            }
            return run(work);
        } finally {
            shared.unlock();
        }
    }

    private <T> T run(SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new DuplicateException(e.getMessage());
            }
            throw new StoreException("store failed: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses new transactions, waits up to {@link #CLOSE_WAIT_MAX} for those in flight to end
     * (requests still being answered while the coordinator stops), then closes the pool.
     */
    @Override
    public void close() {
        closed = true;
        Lock alone = inFlight.writeLock();
        boolean drained = false;
        try {
            drained = alone.tryLock(CLOSE_WAIT_MAX.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            dataSource.close();
        } finally {
            if (drained) {
                alone.unlock();
            }
        }
    }
}
