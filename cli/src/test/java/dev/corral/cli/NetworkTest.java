package dev.corral.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test with a fresh network on the embedded store; after it, the ledger must sum to zero. */
abstract class NetworkTest {
    @TempDir
    Path directory;
    TestNetwork network;

    @BeforeEach
    void startNetwork() {
        network = TestNetwork.onH2(directory);
    }

    @AfterEach
    void stopNetwork() {
        network.close();
    }
}
