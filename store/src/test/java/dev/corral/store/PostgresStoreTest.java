package dev.corral.store;

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

    @Override
    boolean isPostgres() {
        return true;
    }
}
