package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.ClusterView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Cloud console in a real browser (headless chromium): a customer signs in with an API key,
 * deploys from the form while the quote follows the options, sees the cluster RUNNING with its
 * logs, and terminates it after seeing the refund. Screenshots land in target/screenshots.
 */
class CloudConsoleWebTest extends BrowserTest {
    @Test
    void aCustomerSignsInDeploysFromTheFormSeesTheClusterRunningWithItsLogsAndTerminatesItForTheRefundShown()
            throws Exception {
        network.supplierWithDevices("supplier", 2);
        AccountCreated alice = network.anonymous.createAccount("alice");
        network.admin.credit(alice.accountId(), "20", "fund-alice");
        openBrowser();

        browser.go("/cloud/deploy");
        assertThat(browser.driver().getCurrentUrl()).as("sent to sign in first").contains("/login?next=");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("cloud-sign-in");
        browser.find("#apiKey").sendKeys(alice.apiKey() + Keys.ENTER);
        browser.await("the deploy form after signing in", d -> d.getCurrentUrl().endsWith("/cloud/deploy"));
        assertThat(browser.unlabelledFields()).as("fields without a label on the deploy form").isEmpty();
        assertThat(browser.contrastProblems()).as("text below AA contrast on the deploy form").isEmpty();
        browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(browser.driver().switchTo().activeElement().getDomAttribute("class")).as("Tab from the page's top")
                .isEqualTo("skip");
        assertThat(browser.find(".who .account").getText()).isEqualTo("alice");

        new Select(browser.find("#hardware")).selectByValue("cpu");
        new Select(browser.find("#type")).selectByValue("process");
        setValue("#count", "2");
        setValue("#duration", "2");
        browser.find("#name").sendKeys("console-job");
        browser.find("#cmd").sendKeys("echo hello from rank $CORRAL_RANK of the console; sleep 300");
        new Select(browser.find("#onDeviceLoss")).selectByValue("fail");
        setValue("#restart", "on-failure:2");
        String quote = browser.await("a quote for 2 devices for 2 hours", d -> {
            String shown = browser.find("#quote").getText();
            return shown.contains("Total for 2 × 2 h") ? shown : null;
        });
        assertThat(quote).containsPattern("Total for 2 × 2 h\\s+\\$[0-9,]+\\.[0-9]{2,}").contains("Idle devices that match\n2");
        browser.screenshot("cloud-deploy-form");

        browser.find("#deploy").click();
        browser.await("the new cluster's page", d -> d.getCurrentUrl().contains("/cloud/clusters/clu_"));
        String clusterId = browser.driver().getCurrentUrl().replaceAll(".*/cloud/clusters/([^?]+).*", "$1");
        browser.await("the cluster RUNNING on its page", d -> browser.find("#cluster-state").getText().equals("RUNNING"));
        browser.await("both ranks' output in the logs", d -> browser.find("#logs").getText()
                .contains("[0] hello from rank 0 of the console") && browser.find("#logs").getText()
                .contains("[1] hello from rank 1 of the console"));
        assertThat(browser.all("#ranks tbody tr")).hasSize(2);
        ClusterView deployed = network.anonymous.withKey(alice.apiKey()).cluster(clusterId);
        assertThat(deployed.onDeviceLoss()).isEqualTo("fail");
        assertThat(deployed.restart()).isEqualTo("on-failure:2");
        assertThat(browser.find(".facts").getText()).contains("or the cluster fails").contains("restart on-failure:2");
        browser.screenshot("cloud-cluster-running");

        assertThat(browser.contrastProblems()).as("text below AA contrast on the cluster's page").isEmpty();
        // By keyboard: the dialog opens from its button and Escape closes it, the cluster still running.
        browser.find("#terminate").sendKeys(Keys.ENTER);
        browser.await("the dialog open", d -> browser.find("#terminate-dialog").isDisplayed());
        browser.find("#terminate-cancel").sendKeys(Keys.ESCAPE);
        browser.await("the dialog closed by Escape", d -> !browser.find("#terminate-dialog").isDisplayed());
        assertThat(browser.find("#cluster-state").getText()).isEqualTo("RUNNING");

        browser.find("#terminate").click();
        WebElement refund = browser.await("the refund in the confirmation", d -> {
            WebElement shown = browser.find("#refund");
            return shown.isDisplayed() && shown.getText().startsWith("$") ? shown : null;
        });
        String refundShown = refund.getText();
        browser.screenshot("cloud-terminate-dialog");
        browser.find("#terminate-confirm").click();
        browser.await("the cluster TERMINATED", d -> browser.all("#cluster-state").stream()
                .anyMatch(e -> e.getText().equals("TERMINATED")));

        ClusterView ended = network.anonymous.withKey(alice.apiKey()).cluster(clusterId);
        assertThat(ended.state()).isEqualTo("TERMINATED");
        assertThat(ended.name()).isEqualTo("console-job");
        assertThat(browser.find("#message").getText()).contains(money(ended.refunded().amount()));
        // Seconds pass between the dialog and the click: the refund shown was at most that much higher.
        assertThat(new java.math.BigDecimal(refundShown.substring(1).replace(",", "")))
                .isGreaterThanOrEqualTo(new java.math.BigDecimal(ended.refunded().amount()));
        browser.screenshot("cloud-cluster-terminated");

        browser.go("/cloud/clusters");
        assertThat(browser.find("#clusters").getText()).contains("console-job").contains("TERMINATED");
        browser.go("/cloud/wallet");
        assertThat(browser.unlabelledFields()).isEmpty();
        assertThat(browser.find("#transfers").getText()).contains("REFUND").contains("ESCROW_HOLD");
        browser.screenshot("cloud-wallet");

        browser.go("/cloud/keys");
        browser.find("#label").sendKeys("training box" + Keys.ENTER);
        String key = browser.await("the new key, shown once", d -> browser.all("#new-key").stream().findFirst()
                .map(WebElement::getText).orElse(null));
        assertThat(network.anonymous.withKey(key).account().name()).isEqualTo("alice");
        assertThat(rows("#keys")).singleElement().satisfies(row -> assertThat(row.getFirst()).isEqualTo("training box"));
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("cloud-keys");
        browser.find("#keys button").click();
        browser.await("the key revoked", d -> !browser.all("#message").isEmpty());
        assertThat(browser.find("main").getText()).doesNotContain(key).contains("No key besides");
        assertThat(network.anonymous.withKey(alice.apiKey()).apiKeys()).isEmpty();
        assertThat(browser.consoleErrors()).as("errors in the browser's console").isEmpty();
    }

    @Test
    void aDeployTheCoordinatorRefusesShowsTheFormAgainAsFilledInWithWhatToChange() throws Exception {
        AccountCreated bob = network.anonymous.createAccount("bob");
        openBrowser();
        signIn(bob.apiKey(), "/cloud/clusters");
        browser.go("/cloud/deploy");
        new Select(browser.find("#hardware")).selectByValue("cpu");
        browser.find("#image").sendKeys("busybox");
        browser.find("#cmd").sendKeys("true");
        browser.find("#secretEnv").sendKeys("API_TOKEN=very-secret-value");
        browser.await("the quote saying no device is idle", d -> browser.find("#quote").getText()
                .contains("Only 0 matching devices are idle now"));

        browser.find("#deploy").click();

        WebElement error = browser.await("the refusal on the form", d -> browser.all("#form-error").stream()
                .findFirst().orElse(null));
        assertThat(error.getText()).isNotBlank();
        assertThat(browser.find("#image").getDomProperty("value")).isEqualTo("busybox");
        assertThat(browser.find("#cmd").getDomProperty("value")).isEqualTo("true");
        assertThat(error.getText()).contains("The secret variables and the registry token are not shown again");
        assertThat(browser.driver().getPageSource()).doesNotContain("very-secret-value");
        assertThat(network.anonymous.withKey(bob.apiKey()).clusters()).isEmpty();
        browser.screenshot("cloud-deploy-refused");
    }

    @Test
    void theOffersBrowserTakesTheQueryLanguageAndExplainsABadQuery() throws Exception {
        network.supplierWithDevices("supplier", 1);
        AccountCreated carol = network.anonymous.createAccount("carol");
        openBrowser();
        signIn(carol.apiKey(), "/cloud/offers");
        assertThat(browser.unlabelledFields()).isEmpty();

        assertThat(rows("#offers")).singleElement().satisfies(row -> assertThat(row.getFirst()).isEqualTo("CPU"));
        browser.find("#q").sendKeys("kind=cpu price<=1000" + Keys.ENTER);
        browser.await("the search's answer", d -> d.getCurrentUrl().contains("q=kind"));
        assertThat(rows("#offers")).hasSize(1);
        browser.screenshot("cloud-offers");

        browser.find("#q").clear();
        browser.find("#q").sendKeys("flavour=vanilla" + Keys.ENTER);
        WebElement error = browser.await("the refusal", d -> browser.all("#form-error").stream().findFirst().orElse(null));
        assertThat(error.getText()).contains("flavour");
    }

    private void setValue(String css, String value) {
        WebElement input = browser.find(css);
        input.clear();
        input.sendKeys(value);
    }

    /** An amount as the pages write it: a dollar sign, at least two decimals. */
    private static String money(String amount) {
        java.math.BigDecimal value = new java.math.BigDecimal(amount).stripTrailingZeros();
        return "$" + (value.scale() < 2 ? value.setScale(2) : value).toPlainString();
    }
}
