package dev.corral.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.sdk.CorralClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The Explorer in a real browser (Debian's chromium, headless): what anyone sees of the network
 * without an account. Screenshots land in target/screenshots.
 */
class ExplorerWebTest extends BrowserTest {
    /** Two devices in Germany run a customer's cluster to its end; then two blocks close over it. */
    private void aNetworkWithTwoBlocksClosed() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        for (DeviceView device : supplier.devices()) {
            supplier.updateDevice(device.deviceId(), new DeviceUpdate(null, null, null, "DE", "datacenter"));
        }
        network.admin.setIoPrice("0.85");
        network.aJobRunToItsEndThenTwoEpochsClosed();
    }

    @Test
    void thePublicSeesTheDevicesOnTheMapAndInAChartExportsTheBlocksAsTheApiHasThemAndVerifiesTheLedger()
            throws Exception {
        aNetworkWithTwoBlocksClosed();
        openBrowser();

        browser.go("/");
        assertThat(browser.driver().getCurrentUrl()).endsWith("/explorer");
        assertThat(browser.find("#devices-online").getText()).isEqualTo("2");
        // The figures by country are read again once they are a few seconds old.
        browser.await("the devices' country on the overview", d -> {
            browser.go("/explorer");
            return rows("#countries").equals(List.of(List.of("DE", "2")));
        });
        browser.await("Germany drawn on the map with its 2 devices",
                d -> browser.all("#map path.country.has[data-count='2']").size() == 1);
        browser.await("the chart of devices over time drawn with points",
                d -> !browser.all("#history-chart canvas").isEmpty()
                        && Integer.parseInt(browser.find("#history-chart").getDomAttribute("data-points")) >= 1);
        browser.await("the supply chart drawn", d -> !browser.all("#supply-chart canvas").isEmpty());
        assertThat(rows("#models")).contains(List.of("CPU", "2", "2", "0", "0.0%"));
        assertThat(rows("#cluster-states")).singleElement().satisfies(row -> {
            assertThat(row.subList(0, 2)).containsExactly("COMPLETED", "1");
            assertThat(row.get(2)).as("a one-second job's compute").isEqualTo("0 device-hours");
        });
        assertThat(browser.find("#token-supply").getText()).contains("Genesis").contains(" IO");
        assertThat(browser.all("table.blocks tbody tr")).hasSize(2);
        assertThat(browser.contrastProblems()).as("text below AA contrast on the overview").isEmpty();
        browser.screenshot("explorer-overview");

        browser.go("/explorer/blocks");
        browser.find("#export-csv").click();
        List<String> csv = Files.readAllLines(browser.awaitDownload("corral-blocks.csv"), UTF_8);
        List<EpochRecord> epochs = network.anonymous.epochs(0, EpochRecord.PAGE_MAX);
        List<String> expected = new ArrayList<>();
        expected.add("epoch,starts_at_ms,ends_at_ms,journal_seq,journal_head,block_emission,minted,burned,supply,"
                + "balance_root,balances,signature");
        for (EpochRecord r : epochs) {
            expected.add(String.join(",", List.of(Long.toString(r.epoch()), Long.toString(r.startsAtMillis()),
                    Long.toString(r.endsAtMillis()), Long.toString(r.journalSeq()), r.journalHead(),
                    Long.toString(r.blockEmission()), Long.toString(r.minted()), Long.toString(r.burned()),
                    Long.toString(r.supply()), r.balanceRoot(), Integer.toString(r.balances()), r.signature())));
        }
        assertThat(epochs).hasSize(2);
        assertThat(csv).as("the CSV the browser downloaded, against the epochs API").isEqualTo(expected);
        browser.screenshot("explorer-blocks");

        browser.find("table.blocks tbody a").click();
        browser.await("block 1's page", d -> d.getCurrentUrl().endsWith("/explorer/blocks/1"));
        assertThat(browser.find("#nominated").getText()).isEqualTo("2");
        assertThat(browser.find("#block-devices tbody").getText()).doesNotContain("dev_");
        browser.find("#export-devices").click();
        List<String> devicesCsv = Files.readAllLines(browser.awaitDownload("corral-block-1-devices.csv"), UTF_8);
        String blockJson = new WebClient(network.url).get("/api/v1/ledger/blocks/1").body();
        Map<String, Object> block = dev.corral.core.Json.mapper().readValue(blockJson, new com.fasterxml.jackson.core.type.TypeReference<>() {});
        assertThat(block).as(blockJson).containsKey("devices");
        List<String> expectedDevices = new ArrayList<>(List.of(
                "epoch,device,seconds_online,proven,weight_milli,challenges_passed,challenges_failed,reward"));
        for (Object entry : (List<?>) block.get("devices")) {
            Map<?, ?> d = (Map<?, ?>) entry;
            expectedDevices.add(String.join(",", "1", (String) d.get("device"),
                    Long.toString(((Number) d.get("uptimeMillis")).longValue() / 1000), d.get("proven").toString(),
                    d.get("weightMilli").toString(), d.get("challengesPassed").toString(),
                    d.get("challengesFailed").toString(), d.get("reward").toString()));
        }
        assertThat(devicesCsv).as("the block's devices the browser downloaded, against the API").isEqualTo(expectedDevices)
                .hasSize(3);
        // A CPU device weighs 0.1 (100 thousandths).
        assertThat(devicesCsv.get(1)).matches("1,d_[0-9a-f]+,\\d+,true,100,\\d+,\\d+,[1-9]\\d*");
        browser.screenshot("explorer-block");

        browser.go("/explorer/journal");
        long entries = network.anonymous.allJournal().size();
        assertThat(browser.all("#journal tbody tr")).hasSize((int) Math.min(entries, 50));
        assertThat(browser.find("#journal").getText()).doesNotContain("alice").contains("GENESIS");
        browser.screenshot("explorer-journal");

        browser.go("/explorer/verify");
        browser.find("#verify").click();
        WebElement verified = browser.await("the browser's verification", d -> browser.all("#verify-ok, #verify-failed")
                .stream().findFirst().orElse(null));
        assertThat(verified.getDomAttribute("id")).isEqualTo("verify-ok");
        assertThat(verified.getText()).startsWith("ledger verified: " + entries + " journal entries hash-chained, "
                + "2 epoch records signed and matching the replayed balances");
        assertThat(browser.contrastProblems()).as("text below AA contrast on the verification").isEmpty();
        browser.screenshot("explorer-verify");
        assertThat(browser.consoleErrors()).as("errors in the browser's console").isEmpty();
    }

    @Test
    void aJournalChangedOnTheWayFailsTheBrowsersVerificationAtTheEntryThatWasChanged() throws Exception {
        aNetworkWithTwoBlocksClosed();
        // A man in the middle adds one base unit to the first transfer of every journal page it passes on.
        Pattern firstAmount = Pattern.compile("\"minor\":(\\d+)");
        try (RewritingProxy proxy = RewritingProxy.rewritingAnswersTo("/api/v1/ledger/journal", network.url, body -> {
            Matcher amount = firstAmount.matcher(new String(body, UTF_8));
            return amount.find() ? amount.replaceFirst("\"minor\":" + (Long.parseLong(amount.group(1)) + 1))
                    .getBytes(UTF_8) : body;
        })) {
            openBrowser(proxy.url());
            browser.go("/explorer/verify");
            browser.find("#verify").click();
            WebElement outcome = browser.await("the browser's verification",
                    d -> browser.all("#verify-ok, #verify-failed").stream().findFirst().orElse(null));

            assertThat(proxy.rewrites()).isPositive();
            assertThat(outcome.getDomAttribute("id")).isEqualTo("verify-failed");
            assertThat(outcome.getText()).isEqualTo("ledger verification FAILED at journal entry 1: its content does not "
                    + "match its hash (it was changed) (checked 0 journal entries and 0 epoch records before the "
                    + "discrepancy)");
            browser.screenshot("explorer-verify-tampered");
        }
    }

    @Test
    void aNetworkWithNothingYetSaysWhatWillAppearInsteadOfEmptyTables() throws Exception {
        openBrowser();

        browser.go("/explorer");
        assertThat(browser.find("#devices-online").getText()).isEqualTo("0");
        assertThat(browser.find("main").getText())
                .contains("No device is online")
                .contains("No cluster has been deployed yet")
                .contains("No block has closed yet");
        browser.await("the supply chart's empty state",
                d -> browser.find("#supply-chart").getText().contains("once a block has closed"));
        browser.screenshot("explorer-empty");
        assertThat(browser.consoleErrors()).isEmpty();
        assertThat(browser.contrastProblems()).isEmpty();
        // The check sees faint text when there is some.
        browser.script("const p = document.createElement('p'); p.textContent = 'faint text'; p.style.color = '#cccccc';"
                + " document.querySelector('main').appendChild(p);");
        assertThat(browser.contrastProblems()).singleElement().asString().startsWith("faint text (1.5");
    }

}
