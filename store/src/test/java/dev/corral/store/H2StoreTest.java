package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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

    @Test
    void whatWasWrittenSurvivesClosingAndReopening() {
        AccountId alice = account("alice");
        fund(alice, 2_500_000, "credit:1");
        db.close();
        db = open();
        assertThat(balance(alice).minor()).isEqualTo(2_500_000);
        assertThat(db.isPostgres()).isFalse();
    }
}
