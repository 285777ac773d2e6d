package dev.corral.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Currency;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebPagesTest {
    @Test
    void numbersPastWhatJavaScriptHoldsExactlyReachTheBrowserAsStringsAndSmallerOnesAsNumbers() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("largestExact", (1L << 53) - 1);
        data.put("pastIt", 1L << 53);
        data.put("negativePastIt", Long.MIN_VALUE);
        data.put("supply", Amount.of(new Money(800_000_000L * 1_000_000_000L, Currency.IO)));

        String json = WebPages.FOR_BROWSERS.writeValueAsString(data);

        assertThat(json).isEqualTo("{\"largestExact\":9007199254740991,\"pastIt\":\"9007199254740992\","
                + "\"negativePastIt\":\"-9223372036854775808\",\"supply\":{\"amount\":\"800000000.000000000\",\"currency\":\"IO\","
                + "\"minor\":\"800000000000000000\"}}");
    }

    @Test
    void afterSigningInOnlyAPathOfThisSiteIsFollowed() {
        assertThat(WebPages.safeNext("/cloud/offers?q=kind%3Dcpu")).isEqualTo("/cloud/offers?q=kind%3Dcpu");
        for (String elsewhere : new String[] {"//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example",
                "evil.example", "/\n/evil.example", "", null}) {
            assertThat(WebPages.safeNext(elsewhere)).as(String.valueOf(elsewhere)).isEqualTo("/cloud");
        }
    }
}
