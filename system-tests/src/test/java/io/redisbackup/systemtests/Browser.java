package io.redisbackup.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the console's tests: Debian's {@code chromium} driven through Debian's
 * {@code chromedriver} (installed by .ci/run), nothing downloaded at run time (Selenium Manager never runs: the
 * driver and the browser are named). Started with the flags that keep Chromium off the network it cannot reach.
 */
final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where the screenshots the README shows are kept. */
    private static final Path SCREENSHOTS = Path.of("..").toAbsolutePath().normalize().resolve("docs/console");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser window this wide (and tall). */
    static Browser open(int width, int height) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The console's browser tests need Debian's Chromium and its driver: "
                    + "apt-get install chromium chromium-driver (.ci/run installs them)");
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return new Browser(driver, profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    Browser go(String url) {
        driver.get(url);
        return this;
    }

    /** The element, once it is on the page and visible. */
    WebElement visible(By what) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    /** Waits until the page's text holds {@code text}. */
    void awaitText(String text) {
        new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.tagName("body")).getText().contains(text));
    }

    /** Waits until the browser is at a path ending so. */
    void awaitPath(String suffix) {
        new WebDriverWait(driver, WAIT).until(d -> java.net.URI.create(d.getCurrentUrl()).getPath().endsWith(suffix));
    }

    /** Waits until the browser is at a path that starts so; the path. */
    String awaitPathUnder(String prefix) {
        new WebDriverWait(driver, WAIT).until(d -> java.net.URI.create(d.getCurrentUrl()).getPath().startsWith(prefix));
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    /**
     * Waits until the condition holds; an element that was swapped out while it was read (htmx replaces parts of
     * the page as they change) is read again.
     */
    void until(Duration atMost, java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        new WebDriverWait(driver, atMost).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** Every address the page loaded anything from (the Resource Timing API): the page's own and its assets'. */
    @SuppressWarnings("unchecked")
    List<String> loadedFrom() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name));");
    }

    /** Saves what the window shows to docs/console/{name}.png. */
    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
