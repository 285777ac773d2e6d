package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends StoreContract {
    private String url;

    @Override
    Database open() {
        if (url == null) {
            url = TestDatabases.newPostgresSchema();
        }
        return Database.connect(url);
    }

    @Override
    void cleanUp() {
        TestDatabases.dropPostgresSchema(url);
    }

    @Test
    void whatWasWrittenSurvivesClosingAndReopening() {
        AccountId alice = account("alice");
        fund(alice, 2_500_000, "credit:1");
        db.close();
        db = open();
        assertThat(balance(alice).minor()).isEqualTo(2_500_000);
        assertThat(db.isPostgres()).isTrue();
    }
}
