package dev.corral.cli;

import dev.corral.e2e.TestNetwork;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI test against a fresh test network on the embedded store (the end-to-end module runs
 * the scenarios on both stores; the CLI's own tests need one).
 */
abstract class OnTestNetwork {
    @TempDir
    Path directory;
    TestNetwork network;

    @BeforeEach
    void startNetwork() {
        network = TestNetwork.on(TestNetwork.Store.H2, directory);
    }

    @AfterEach
    void stopNetwork() {
        network.close();
    }

    /** A supplier's device runs a customer's one-rank cluster to its end, then two epochs close over it. */
    void aLedgerWithTwoEpochsClosed() {
        try {
            network.supplierWithDevices("supplier", 1);
        } catch (Exception e) {
            throw new IllegalStateException("the supplier's device did not join", e);
        }
        network.aJobRunToItsEndThenTwoEpochsClosed();
    }
}
