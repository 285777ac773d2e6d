package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
}
