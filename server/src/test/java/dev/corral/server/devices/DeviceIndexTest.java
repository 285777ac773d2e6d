package dev.corral.server.devices;

import dev.corral.core.publicledger.Pseudonyms;
import java.security.KeyPairGenerator;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.DeviceId;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Runtimes;
import dev.corral.proofs.Reputation;
import dev.corral.server.Store;
import dev.corral.store.Accounts;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's index against a real embedded store: whom a device serves follows the store's order of events. */
class DeviceIndexTest {
    private static final Instant NOW = Instant.parse("2026-11-25T06:00:00Z");
    private static final HardwareSpec CPU = new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, "test CPU", 8, 16_384);

    @TempDir
    Path data;
    private Database db;
    private Store store;
    private DeviceId device;

    @BeforeEach
    void oneIdleVerifiedDevice() throws Exception {
        db = Database.embedded(data);
        store = Store.on(db, Pseudonyms.of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()));
        AccountId owner = AccountId.random();
        device = DeviceId.random();
        DeviceRow row = new DeviceRow(device, owner, "key-" + device.value(), "test", CPU, "local", "127.0.0.1",
                List.of(Runtimes.PROCESS), 0, 0, null, true, NOW, null, NOW, DeviceRow.Listing.NEW,
                Reputation.Standing.NEW, DeviceRow.Verification.NEW);
        db.transaction(c -> {
            store.accounts().createAll(c, List.of(new Accounts.NewAccount(owner, "owner", "hash-" + owner.value(), null)),
                    NOW);
            store.devices().insert(c, row);
            store.devices().passed(c, device);
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aHeartbeatReadWhileTheDeviceWasHiredDoesNotHireItAgainAfterItsClusterEnded() {
        DeviceIndex index = DeviceIndex.rebuild(db, store.devices(), store.stakes(), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(index.pool().isIdle(device)).isTrue();
        ClusterId cluster = ClusterId.random();
        db.transaction(c -> store.devices().reserve(c, device, cluster));
        index.pool().markHired(device);
        // A heartbeat reads the row while the cluster holds the device...
        DeviceRow readDuringTheCluster = db.transaction(c -> store.devices().byId(c, device)).orElseThrow();
        // ...the cluster ends: the store frees the device, then the index does...
        db.transaction(c -> store.devices().release(c, cluster));
        index.pool().release(List.of(device));
        // ...and only then does the heartbeat tell the index what it read.
        index.update(readDuringTheCluster);

        assertThat(index.pool().isIdle(device)).isTrue();
    }

    @Test
    void aDeviceTheStoreHoldsHiredIsMarkedHiredOnResyncAndOneItFreedIsNot() {
        DeviceIndex index = DeviceIndex.rebuild(db, store.devices(), store.stakes(), Clock.fixed(NOW, ZoneOffset.UTC));
        ClusterId cluster = ClusterId.random();
        db.transaction(c -> store.devices().reserve(c, device, cluster));

        index.resync(List.of(device));
        assertThat(index.pool().isIdle(device)).as("hired in the store").isFalse();

        db.transaction(c -> store.devices().release(c, cluster));
        index.pool().release(List.of(device));
        index.resync(List.of(device));
        assertThat(index.pool().isIdle(device)).as("freed in the store").isTrue();
    }

    @Test
    void aRebuiltIndexHasTheStoresHiredDevicesHired() {
        db.transaction(c -> store.devices().reserve(c, device, ClusterId.random()));

        DeviceIndex index = DeviceIndex.rebuild(db, store.devices(), store.stakes(), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(index.pool().isIdle(device)).isFalse();
        assertThat(index.pool().size()).isEqualTo(1);
    }
}
