package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.sdk.CorralClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The Worker dashboard in a real browser (headless chromium): a supplier gets a join token and
 * the command from the set-up page, a real agent joins with it, and the supplier sees the device,
 * its telemetry charted with points, and what it earned. Screenshots land in target/screenshots.
 */
class WorkerDashboardWebTest extends BrowserTest {
    /** Reloads the page and waits for the chart to be drawn or to say it has nothing: its points, 0 if none. */
    private int pointsAfterReload(String chart) {
        browser.driver().navigate().refresh();
        return browser.await("the chart " + chart + " drawn or empty", d -> {
            String points = browser.find("#" + chart).getDomAttribute("data-points");
            return points != null ? Integer.valueOf(points)
                    : browser.all("#" + chart + " .empty").isEmpty() ? null : Integer.valueOf(0);
        });
    }

    @Test
    void aSupplierJoinsAMachineWithTheCommandShownThenSeesItsTelemetryChartedAndItsEarnings() throws Exception {
        AccountCreated bob = network.anonymous.createAccount("bob");
        openBrowser();
        browser.go("/login?next=/worker");
        browser.find("#apiKey").sendKeys(bob.apiKey() + Keys.ENTER);
        browser.await("the devices page", d -> d.getCurrentUrl().endsWith("/worker/devices"));
        assertThat(browser.find("main").getText()).contains("No device has joined yet");

        browser.go("/worker/setup");
        browser.find("#new-token").click();
        String command = browser.await("the worker command", d -> browser.all("#worker-command").stream()
                .findFirst().map(e -> e.getText()).orElse(null));
        assertThat(command).startsWith("corral worker --server " + network.url + " --join-token cjt_");
        browser.find("#copy").click();
        browser.await("the copy button's answer", d -> !browser.find("#copy").getText().equals("Copy"));
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("worker-setup");

        network.agentJoining(network.url, command.substring(command.indexOf("--join-token ") + 13));
        network.awaitIdleDevices(1);
        browser.go("/worker/devices");
        assertThat(browser.find("#devices tbody").getText()).contains("IDLE").contains("CPU");
        browser.screenshot("worker-devices");

        // Readings are kept every 5 minutes: two more, by the test clock.
        for (int i = 0; i < 2; i++) {
            network.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            Thread.sleep(300);
        }
        browser.find("#devices tbody a").click();
        browser.await("the load chart drawn with at least 2 points", d -> pointsAfterReload("chart-gpu-util") >= 2);
        assertThat(browser.all("#chart-gpu-util canvas")).isNotEmpty();
        assertThat(browser.all("#chart-memory canvas")).isNotEmpty();
        assertThat(browser.find("#chart-gpu-util").findElement(By.xpath("..")).getText()).contains("CPU load");
        assertThat(browser.contrastProblems()).as("text below AA contrast on the device's page").isEmpty();
        browser.screenshot("worker-device");

        CorralClient alice = network.customer("alice", "5");
        ClusterView cluster = alice.deploy(new DeployRequest(null, null, true, null, 1, 1, null, "process", "sleep 1",
                Map.of(), null, null), null);
        network.awaitState(alice, cluster.clusterId(), "COMPLETED");
        browser.go("/worker/earnings");
        String today = browser.find("#earnings tbody tr td").getText();
        assertThat(today).isEqualTo(network.clock.instant().toString().substring(0, 10));
        assertThat(browser.find("#earnings tbody tr td:nth-child(2)").getText()).as("today's pay").startsWith("$")
                .isNotEqualTo("$0.00");
        assertThat(browser.unlabelledFields()).as("fields without a label on the earnings page").isEmpty();
        assertThat(browser.consoleErrors()).as("errors in the browser's console so far").isEmpty();
        browser.find("#io").sendKeys("not-a-number" + Keys.ENTER);
        browser.await("the refusal", d -> !browser.all("#problem").isEmpty());
        assertThat(browser.find("#problem").getText()).contains("io");
        assertThat(browser.consoleErrors()).as("the refused page's status, which the console notes")
                .singleElement().asString().contains("/worker/wallet/mint-iosd").contains("400");
        browser.driver().navigate().back();
        browser.screenshot("worker-earnings");

        network.admin.setIoPrice("0.50");
        browser.go("/worker/calculator");
        new org.openqa.selenium.support.ui.Select(browser.find("#gpu")).selectByValue("H100");
        browser.find("#gpus").clear();
        browser.find("#gpus").sendKeys("8");
        browser.find("#kwh").clear();
        browser.find("#kwh").sendKeys("0.20");
        browser.find("#hired").sendKeys("50");
        browser.find("#estimate").click();
        browser.await("the estimate", d -> !browser.all("#quote-total").isEmpty());
        assertThat(browser.find("#watts").getText()).as("8 H100s' rated power").isEqualTo("5600");
        // 5.6 kW all day at $0.20: $26.88.
        assertThat(browser.find("#power-cost").getText()).isEqualTo("−$26.88");
        assertThat(browser.find("#pay").getText()).matches("\\$[1-9][0-9,]*\\.[0-9]{2}");
        assertThat(browser.find("#rewards-io").getText()).matches("[1-9][0-9,]*\\.[0-9]{2} IO");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("worker-calculator");
        assertThat(browser.consoleErrors()).as("errors in the browser's console").isEmpty();
    }
}
