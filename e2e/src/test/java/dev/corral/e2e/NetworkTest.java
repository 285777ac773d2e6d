package dev.corral.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** A test with a fresh network, run once on each store; after each test, the ledger must sum to zero. */
@OnBothStores
public abstract class NetworkTest {
    @Parameter
    protected TestNetwork.Store store;
    @TempDir
    protected Path directory;
    protected TestNetwork network;

    @BeforeEach
    void startNetwork() {
        network = TestNetwork.on(store, directory);
    }

    @AfterEach
    void stopNetwork() {
        network.close();
    }
}
