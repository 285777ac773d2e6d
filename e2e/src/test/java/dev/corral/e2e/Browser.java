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

    /**
     * Visible text whose contrast with the background it is drawn on is below WCAG 2's AA
     * (4.5:1, 3:1 for large text), each with its first characters and its ratio. Chart internals
     * (SVG, canvas, the charts' legends) are left out.
     */
    @SuppressWarnings("unchecked")
    public List<String> contrastProblems() {
        return (List<String>) script("""
                // WCAG 2 contrast of every visible text against the background it is drawn on.
                function rgb(text) {
                  const m = text.match(/rgba?\\(([\\d.]+), ([\\d.]+), ([\\d.]+)(?:, ([\\d.]+))?\\)/);
                  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
                }
                function luminance(c) {
                  const [r, g, b] = c.slice(0, 3).map(v => {
                    v /= 255;
                    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
                  });
                  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                }
                function background(element) {
                  for (let e = element; e; e = e.parentElement) {
                    const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c && c[3] > 0.5) return c;
                  }
                  return [255, 255, 255, 1];
                }
                const problems = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                  const element = node.parentElement;
                  if (!node.textContent.trim() || !element || element.closest("svg, canvas, [hidden], .u-legend")) continue;
                  const style = getComputedStyle(element);
                  if (style.visibility === "hidden" || style.display === "none" || element.offsetParent === null) continue;
                  const fg = rgb(style.color);
                  if (!fg) continue;
                  const bg = background(element);
                  const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
                  const ratio = (l1 + 0.05) / (l2 + 0.05);
                  const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
                  if (ratio < (large ? 3 : 4.5)) problems.push(node.textContent.trim().slice(0, 40) + " (" + ratio.toFixed(2) + ")");
                }
                return [...new Set(problems)];
                """);
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
