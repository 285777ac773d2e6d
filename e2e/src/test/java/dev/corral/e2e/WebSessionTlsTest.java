package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.AccountCreated;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session cookie as a coordinator serving HTTPS (the default) sets it. */
class WebSessionTlsTest {
    @TempDir
    Path directory;

    @Test
    void theSessionCookieIsSecureHttpOnlyAndStrictAndHoldsNoKey() throws Exception {
        try (TestNetwork network = TestNetwork.overHttps(TestNetwork.Store.H2, directory)) {
            AccountCreated alice = network.anonymous.createAccount("alice");
            WebClient web = new WebClient(network.url);

            HttpResponse<String> signedIn = web.signIn(alice.apiKey());

            assertThat(network.url.getScheme()).isEqualTo("https");
            assertThat(signedIn.statusCode()).isEqualTo(302);
            String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith("__Host-corral_session=cws_").contains("; HttpOnly").contains("; SameSite=Strict")
                    .contains("; Secure").contains("; Path=/").contains("; Max-Age=43200")
                    .doesNotContain(alice.apiKey());
            assertThat(web.get("/cloud/clusters").body()).contains(">alice</span>");
        }
    }
}
