package dev.corral.core.publicledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Money;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;

class PseudonymsTest {
    private static final String ALICE = "acc_0123456789abcdef0123";
    private static final String CLUSTER = "clu_00112233445566778899";

    @Test
    void idsBecomeStablePseudonymsSystemAccountsKeepTheirNames() throws Exception {
        Pseudonyms pseudonyms = Pseudonyms.of(key());
        String alice = pseudonyms.of(ALICE);
        assertThat(alice).matches("u_[0-9a-f]{20}").isEqualTo(pseudonyms.of(ALICE));
        assertThat(pseudonyms.of(CLUSTER)).matches("c_[0-9a-f]{20}");
        assertThat(pseudonyms.of("dev_00112233445566778899")).matches("d_[0-9a-f]{20}");
        assertThat(pseudonyms.of("stk_00112233445566778899")).matches("s_[0-9a-f]{20}");
        assertThat(pseudonyms.account("user:" + ALICE + ":USD")).isEqualTo("user:" + alice + ":USD");
        assertThat(pseudonyms.account("user:" + ALICE + ":IO")).isEqualTo("user:" + alice + ":IO");
        assertThat(pseudonyms.account("user:" + alice + ":IO")).as("a pseudonym stays").isEqualTo("user:" + alice + ":IO");
        assertThat(pseudonyms.account("system:genesis:community:IO")).isEqualTo("system:genesis:community:IO");
        assertThat(pseudonyms.account("system:network-fee:USD")).isEqualTo("system:network-fee:USD");
        assertThat(Pseudonyms.of(key()).of(ALICE)).as("another coordinator's").isNotEqualTo(alice);
    }

    @Test
    void aTransfersPublicFormNamesNoIdAndKeepsItsAmountAndKind() throws Exception {
        Pseudonyms pseudonyms = Pseudonyms.of(key());
        Transfer hold = new Transfer("hold:" + CLUSTER, "user:" + ALICE + ":USD", "escrow:" + CLUSTER + ":USD",
                Money.usd(10), TransferKind.ESCROW_HOLD, CLUSTER);
        Transfer shown = pseudonyms.publicForm(hold);
        assertThat(shown.toString()).doesNotContain(ALICE).doesNotContain(CLUSTER).doesNotContain("hold:");
        assertThat(shown.idempotencyKey()).matches("k_[0-9a-f]{32}");
        assertThat(shown.clusterId()).isEqualTo(pseudonyms.of(CLUSTER));
        assertThat(shown.creditAccount()).isEqualTo("escrow:" + pseudonyms.of(CLUSTER) + ":USD");
        assertThat(shown.amount()).isEqualTo(hold.amount());
        assertThat(shown.kind()).isEqualTo(hold.kind());
        assertThat(pseudonyms.idempotencyKey("credit:a")).isNotEqualTo(pseudonyms.idempotencyKey("credit:b"));
    }

    private static PrivateKey key() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    }
}
