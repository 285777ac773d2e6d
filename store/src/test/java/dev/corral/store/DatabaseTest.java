package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
    @TempDir
    Path directory;

    @Test
    void aTransactionAfterCloseSaysTheStoreIsClosed() {
        Database db = Database.embedded(directory);
        db.close();
        assertThatThrownBy(() -> db.transaction(c -> null)).isInstanceOf(StoreClosedException.class)
                .hasMessageContaining("shutting down");
    }

    @Test
    void closingWaitsForTheTransactionInFlightToCommitAndRefusesNewOnes() throws Exception {
        Database db = Database.embedded(directory);
        db.transaction(c -> c.createStatement().execute("CREATE TABLE probe (n INT)"));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> db.transaction(c -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return c.createStatement().executeUpdate("INSERT INTO probe VALUES (1)");
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(db::close);
        Thread.sleep(200);
        assertThat(closing).as("close waits for the transaction in flight").isNotDone();
        release.countDown();
        assertThat(inFlight.get(10, TimeUnit.SECONDS)).as("it commits: no failure under it").isEqualTo(1);
        closing.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> db.transaction(c -> null)).isInstanceOf(StoreClosedException.class);
        try (Database reopened = Database.embedded(directory)) {
            int rows = reopened.transaction(c -> {
                var count = c.createStatement().executeQuery("SELECT COUNT(*) FROM probe");
                count.next();
                return count.getInt(1);
            });
            assertThat(rows).as("the row committed before close is there").isEqualTo(1);
        }
    }

    @Test
    void aThreadInterruptedWhileItReadsTheEmbeddedStoreDoesNotCloseItForEveryoneElse() throws Exception {
        try (Database db = Database.embedded(directory)) {
            db.transaction(c -> c.createStatement().execute(
                    "CREATE TABLE probe AS SELECT \"X\" AS n, REPEAT('x', 1000) AS filler FROM SYSTEM_RANGE(1, 20000)"));
        }
        try (Database db = Database.embedded(directory)) {
            // Reopened: the table's pages are read from the file, by a thread whose interrupt flag is set.
            Thread reader = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    db.transaction(c -> c.createStatement().executeQuery("SELECT SUM(LENGTH(filler)) FROM probe").next());
                } catch (StoreException e) {
                    // The interrupted reader may fail; what matters is everyone else.
                }
            });
            reader.join();

            long rows = db.transaction(c -> {
                var count = c.createStatement().executeQuery("SELECT COUNT(*), SUM(LENGTH(filler)) FROM probe");
                count.next();
                return count.getLong(1);
            });
            assertThat(rows).isEqualTo(20_000);
            db.transaction(c -> c.createStatement().executeUpdate("INSERT INTO probe VALUES (0, 'after')"));
        }
    }
}
