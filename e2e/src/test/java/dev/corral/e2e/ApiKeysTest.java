package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.corral.core.api.ApiKeyView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import org.junit.jupiter.api.Test;

/** Keys an account makes besides its first: each acts as the account until revoked, and only its owner sees or revokes it. */
class ApiKeysTest extends NetworkTest {
    private static final String MISSING_KEY = "key_00000000000000000000";

    @Test
    void aKeyMadeLaterActsAsTheAccountUntilRevokedWhileTheFirstKeepsWorking() throws Exception {
        CorralClient alice = network.customer("alice", "5");

        ApiKeyView made = alice.createApiKey("ci runner");
        CorralClient ci = network.anonymous.withKey(made.key());

        assertThat(made.key()).startsWith("ck_");
        assertThat(ci.account().accountId()).isEqualTo(alice.account().accountId());
        assertThat(alice.apiKeys()).singleElement().satisfies(listed -> {
            assertThat(listed.keyId()).isEqualTo(made.keyId());
            assertThat(listed.label()).isEqualTo("ci runner");
            assertThat(listed.key()).as("a key is shown once").isNull();
        });
        assertThat(network.storeHolds(made.key())).as("the key in clear in the store").isFalse();

        ci.revokeApiKey(made.keyId());

        assertThat(catchThrowableOfType(CorralException.class, ci::account).status()).isEqualTo(401);
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000);
        assertThat(alice.apiKeys()).isEmpty();
    }

    @Test
    void anotherAccountNeitherSeesNorRevokesAKeyAndItsIdAnswersAsAMissingOne() throws Exception {
        CorralClient alice = network.customer("alice", null);
        CorralClient mallory = network.customer("mallory", null);
        ApiKeyView made = alice.createApiKey("laptop");

        CorralException onTheirs = catchThrowableOfType(CorralException.class, () -> mallory.revokeApiKey(made.keyId()));
        CorralException onMissing = catchThrowableOfType(CorralException.class, () -> mallory.revokeApiKey(MISSING_KEY));

        assertThat(onTheirs.status()).isEqualTo(404);
        assertThat(onTheirs.getMessage()).isEqualTo(onMissing.getMessage().replace(MISSING_KEY, made.keyId()));
        assertThat(mallory.apiKeys()).isEmpty();
        assertThat(network.anonymous.withKey(made.key()).account().name()).isEqualTo("alice");
    }

    @Test
    void aLabelMustSayWhatTheKeyIsForAndAnAccountHoldsAtMostTwentyMore() {
        CorralClient alice = network.customer("alice", null);

        assertThat(catchThrowableOfType(CorralException.class, () -> alice.createApiKey(" ")).status()).isEqualTo(400);
        assertThat(catchThrowableOfType(CorralException.class, () -> alice.createApiKey("x".repeat(65))).status())
                .isEqualTo(400);
        for (int i = 0; i < 20; i++) {
            alice.createApiKey("machine " + i);
        }
        CorralException tooMany = catchThrowableOfType(CorralException.class, () -> alice.createApiKey("one more"));

        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.getMessage()).contains("revoke one first");
        assertThat(alice.apiKeys()).hasSize(20);
    }
}
