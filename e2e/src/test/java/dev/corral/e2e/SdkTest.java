package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.corral.core.api.ClusterView;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK against a live coordinator over loopback: every refusal reaches the caller as a
 * {@link CorralException} with the status, the stable code and the message the API sent;
 * idempotency keys make a retried call a no-op; a key's client acts as that account only; and
 * the public journal reads the same page by page as whole.
 */
class SdkTest extends NetworkTest {
    @Test
    void refusalsArriveWithTheirStatusCodeAndMessage() throws Exception {
        CorralException anonymous = catchThrowableOfType(CorralException.class, () -> network.anonymous.account());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error()).isEqualTo("unauthorized");
        assertThat(anonymous.getMessage()).contains("missing API key");

        CorralException wrongKey = catchThrowableOfType(CorralException.class,
                () -> network.anonymous.withKey("ck_not-a-key").account());
        assertThat(wrongKey.status()).isEqualTo(401);

        CorralClient alice = network.customer("alice", null);
        CorralException missing = catchThrowableOfType(CorralException.class, () -> alice.cluster("clu_nothing"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("not_found");
        assertThat(missing.getMessage()).isEqualTo("no cluster clu_nothing");

        CorralException invalid = catchThrowableOfType(CorralException.class, () -> alice.deploy(cpu(0, 1, "true"), null));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.error()).isEqualTo("bad_request");
        assertThat(invalid.getMessage()).contains("count");

        network.supplierWithDevices("supplier", 1);
        CorralException broke = catchThrowableOfType(CorralException.class, () -> alice.deploy(cpu(1, 2, "true"), null));
        assertThat(broke.status()).isEqualTo(402);
        assertThat(broke.error()).isEqualTo("insufficient_funds");
        assertThat(broke.getMessage()).isEqualTo("this cluster costs 0.08 USD (0.04 USD per device-hour x 1 devices "
                + "x 2 h) but the balance is 0.00 USD: add funds first");
        assertThat(alice.account().heldInEscrow().minor()).isZero();
        assertThat(alice.clusters()).isEmpty();
    }

    @Test
    void anExtensionTheBalanceCannotPayIsRefusedInTheSameWordsAsADeploy() throws Exception {
        network.supplierWithDevices("supplier", 1);
        CorralClient alice = network.customer("alice", "0.05");
        ClusterView cluster = alice.deploy(cpu(1, 1, "sleep 300"), null);
        long held = alice.account().heldInEscrow().minor();

        CorralException refused = catchThrowableOfType(CorralException.class, () -> alice.extend(cluster.clusterId(), 2,
                null));

        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.getMessage()).isEqualTo("2 more hours cost 0.08 USD but the balance is 0.01 USD: add funds "
                + "first");
        assertThat(alice.account().heldInEscrow().minor()).isEqualTo(held);
        assertThat(alice.cluster(cluster.clusterId()).hours()).isEqualTo(1);
        alice.terminate(cluster.clusterId());
    }

    @Test
    void aRetriedCallWithTheSameKeyChangesNothingMore() {
        CorralClient alice = network.customer("alice", null);
        String id = alice.account().accountId();
        network.admin.credit(id, "2.00", "sdk-credit-1");
        network.admin.credit(id, "2.00", "sdk-credit-1");
        assertThat(alice.account().available().minor()).isEqualTo(2_000_000);
        assertThat(alice.transfers(10)).hasSize(1);
    }

    @Test
    void aKeysClientActsAsItsAccountOnlyAndLeavesTheOriginalAsItWas() {
        CorralClient alice = network.customer("alice", "1");
        CorralClient bob = alice.withKey(network.anonymous.createAccount("bob").apiKey());
        assertThat(bob.account().name()).isEqualTo("bob");
        assertThat(bob.account().available().minor()).isZero();
        assertThat(alice.account().name()).isEqualTo("alice");
        assertThat(alice.account().available().minor()).isEqualTo(1_000_000);
    }

    @Test
    void theJournalReadPageByPageIsTheWholeJournal() {
        for (int i = 0; i < 7; i++) {
            network.customer("customer" + i, "1." + i);
        }
        List<JournalEntry> whole = network.anonymous.allJournal();
        assertThat(whole).hasSizeGreaterThanOrEqualTo(7);
        List<JournalEntry> paged = new ArrayList<>();
        for (List<JournalEntry> page = network.anonymous.journal(0, 3); !page.isEmpty();
                page = network.anonymous.journal(page.getLast().seq(), 3)) {
            assertThat(page).hasSizeLessThanOrEqualTo(3);
            paged.addAll(page);
        }
        assertThat(paged).isEqualTo(whole);
        assertThat(whole).extracting(JournalEntry::seq).isSorted().doesNotHaveDuplicates();
        for (int i = 1; i < whole.size(); i++) {
            assertThat(whole.get(i).prevHash()).isEqualTo(whole.get(i - 1).hash());
        }
    }
}
