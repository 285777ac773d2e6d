package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A test of the web faces in a real browser (headless chromium, see {@link Browser}) against a
 * fresh test network on the embedded store: the store is not what these tests are about.
 */
abstract class BrowserTest {
    @TempDir
    Path directory;
    TestNetwork network;
    Browser browser;

    @BeforeEach
    void startNetwork() {
        network = TestNetwork.on(TestNetwork.Store.H2, directory.resolve("network"));
    }

    @AfterEach
    void stopBrowserAndNetwork() {
        if (browser != null) {
            browser.close();
        }
        network.close();
    }

    /** Opens the browser on this network (or, with another base, on what stands in front of it). */
    Browser openBrowser() throws Exception {
        return openBrowser(network.url);
    }

    Browser openBrowser(java.net.URI base) throws Exception {
        browser = Browser.open(base, directory.resolve("downloads"));
        return browser;
    }

    /** Signs in with the API key on the sign-in page, asking to land on this path, and waits until it does. */
    void signIn(String apiKey, String landing) {
        browser.go("/login?next=" + landing);
        assertThat(browser.unlabelledFields()).as("fields without a label on the sign-in page").isEmpty();
        browser.find("#apiKey").sendKeys(apiKey + Keys.ENTER);
        browser.await("the page after signing in", d -> d.getCurrentUrl().endsWith(landing));
    }

    /** The table's body as rows of cell texts. */
    List<List<String>> rows(String table) {
        return browser.all(table + " tbody tr").stream()
                .map(row -> row.findElements(By.cssSelector("td")).stream().map(WebElement::getText).toList())
                .toList();
    }
}
