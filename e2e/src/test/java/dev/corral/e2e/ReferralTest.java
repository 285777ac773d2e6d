package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReferralTest extends NetworkTest {
    @Test
    void whoeverInvitedTheCustomerAndTheSupplierEachGetATenthOfTheFeeAndTheInviteesPayNothingMore() throws Exception {
        AccountCreated bob = network.anonymous.createAccount("bob");
        AccountCreated carol = network.anonymous.createAccount("carol");
        assertThatThrownBy(() -> network.anonymous.createAccount("mallory", "ref-nonexistent"))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.getMessage())
                        .contains("unknown referral code"));
        AccountCreated sam = network.anonymous.createAccount("sam", carol.referralCode());
        CorralClient supplier = network.anonymous.withKey(sam.apiKey());
        network.agent(supplier);
        network.awaitIdleDevices(1);
        AccountCreated aliceAccount = network.anonymous.createAccount("alice", bob.referralCode());
        network.admin.credit(aliceAccount.accountId(), "5", null);
        CorralClient alice = network.anonymous.withKey(aliceAccount.apiKey());

        ClusterView cluster = alice.deploy(cpu(1, 1, "sleep 300"), null);
        network.awaitState(alice, cluster.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(30));
        ClusterView ended = alice.terminate(cluster.clusterId());

        long gross = ended.charged().minor();
        long fee = gross * 5 / 100;
        assertThat(fee).isPositive();
        assertThat(network.anonymous.withKey(bob.apiKey()).account().referralRewards().minor()).isEqualTo(fee / 10);
        assertThat(network.anonymous.withKey(carol.apiKey()).account().referralRewards().minor()).isEqualTo(fee / 10);
        assertThat(supplier.account().earned().minor()).isEqualTo(gross - fee);
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - gross);
        assertThat(network.anonymous.networkStats().ledger().getFirst().networkFeesMinor()).isEqualTo(fee - 2 * (fee / 10));
    }
}
