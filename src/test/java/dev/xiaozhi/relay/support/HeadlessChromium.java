package dev.xiaozhi.relay.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Debian {@code chromium} driven headless through its own {@code /usr/bin/chromedriver} (Debian packages
 * {@code chromium} and {@code chromium-driver}; {@code .ci/run} installs them), so no driver is ever downloaded.
 * Without them a test is skipped with that instruction; with {@code -Drelay.requireBrowser=true} (set by
 * {@code .ci/run}) it fails instead.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "dashboard");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts a browser with a 1400×1000 window and no state of its own. */
    public static HeadlessChromium start() {
        boolean present = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
        String instruction = "chromium and chromedriver are not installed: apt-get install chromium chromium-driver";
        if (Boolean.getBoolean("relay.requireBrowser") && !present) {
            throw new IllegalStateException(instruction);
        }
        assumeTrue(present, instruction);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
                "--no-first-run", "--disable-extensions", "--disable-background-networking");
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    /** The driver. */
    public WebDriver driver() {
        return driver;
    }

    /** Opens a URL. */
    public void open(String url) {
        driver.get(url);
    }

    /** Waits (up to 15 s) for an element matching a CSS selector to be visible, and returns it. */
    public WebElement await(String css) {
        return new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Runs JavaScript in the page and returns its result. */
    public Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Saves a PNG of the viewport as {@code target/dashboard/<name>.png}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
