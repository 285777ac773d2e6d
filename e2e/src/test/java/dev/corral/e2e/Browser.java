package dev.corral.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through its chromium-driver: what a person's browser does
 * with the web faces. Screenshots go under the module's target/screenshots; downloads into a
 * directory of the test's.
 */
public final class Browser implements AutoCloseable {
    /** Where Debian's chromium and chromium-driver put their programs. */
    static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The longest a page may take to show what a test waits for. */
    static final Duration WAIT_MAX = Duration.ofSeconds(30);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final URI base;
    private final Path downloads;

    private Browser(ChromeDriver driver, URI base, Path downloads) {
        this.driver = driver;
        this.base = base;
        this.downloads = downloads;
    }

    /** Whether this machine has the browser and its driver; the web tests need both. */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    public static Browser open(URI base, Path downloads) throws IOException {
        Files.createDirectories(downloads);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1366,1100", "--lang=en-US");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), base, downloads);
    }

    public void go(String path) {
        driver.get(base.resolve(path).toString());
    }

    public WebDriver driver() {
        return driver;
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until the condition holds (a non-null, non-false value), failing with what was waited for. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT_MAX).withMessage(what).until(condition);
    }

    public Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(code, arguments);
    }

    /** Saves what the window shows as target/screenshots/NAME.png, the whole page's height. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Long height = (Long) script("return Math.ceil(document.documentElement.scrollHeight)");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1366, (int) Math.min(6000, Math.max(800, height))));
        script("window.scrollTo(0, 0)");
        File taken = driver.getScreenshotAs(OutputType.FILE);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.copy(taken.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /**
     * The form fields on the page a person cannot tell apart without seeing it: visible inputs,
     * selects and text areas with no label (by {@code for}, by wrapping, or {@code aria-label}),
     * and buttons with no text. Each as its tag and id (or name).
     */
    @SuppressWarnings("unchecked")
    public List<String> unlabelledFields() {
        return (List<String>) script("""
                const unlabelled = [];
                for (const field of document.querySelectorAll("input, select, textarea, button")) {
                  if (field.type === "hidden" || field.closest("[hidden]")) continue;
                  const named = field.tagName === "BUTTON" ? field.textContent.trim() !== ""
                    : field.getAttribute("aria-label") || field.closest("label")
                      || (field.id && document.querySelector("label[for='" + field.id + "']"));
                  if (!named) unlabelled.push(field.tagName.toLowerCase() + "#" + (field.id || field.name));
                }
                return unlabelled;""");
    }

    /** The browser console's errors since the last call (a page that throws or fails to load a resource). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Waits for a file to finish downloading into the downloads directory. */
    public Path awaitDownload(String fileName) {
        Path file = downloads.resolve(fileName);
        await("the download of " + fileName, d -> Files.isRegularFile(file)
                && !Files.exists(downloads.resolve(fileName + ".crdownload")) ? file : null);
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
