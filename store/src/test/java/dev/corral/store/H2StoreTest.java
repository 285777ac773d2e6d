package dev.corral.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2StoreTest extends StoreContract {
    @TempDir
    Path directory;

    @Override
    Database open() {
        return Database.embedded(directory);
    }

    @Override
    void cleanUp() {}

    @Override
    boolean isPostgres() {
        return false;
    }
}
