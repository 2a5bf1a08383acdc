package dev.xiaozhi.relay.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's first contentful paint, by Chromium's own paint timing ({@code performance.getEntriesByType
 * ('paint')}), of the fleet view and of a tenant page of {@code -DpaintDevices} devices (10,000 by default), median
 * of {@code -DpaintRuns} full page loads each in headless Chromium ({@code /usr/bin/chromium} through
 * {@code /usr/bin/chromedriver}); beside it, when the view's data was drawn (its {@code performance.mark}). Fails
 * when a median first contentful paint is over 1 s.
 */
public final class DashboardPaint {

    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final double BOUND_MS = 1000;
    private static final String TIMING = """
            const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
            const drawn = performance.getEntriesByName(arguments[0])[0];
            return paint && drawn ? [paint.startTime, drawn.startTime] : null;""";

    private DashboardPaint() {
    }

    /** Measures both views and prints one line. */
    public static void main(String[] args) throws Exception {
        int devices = Load.knob("paintDevices", 10_000, 10_000);
        int runs = Load.knob("paintRuns", 5, 20);
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("install chromium and chromium-driver (apt-get) to measure the dashboard");
        }
        String lines = IntStream.range(0, devices).mapToObj(i -> "d%05d: {tokenHash: \"%s\"}".formatted(i,
                RelayUnderTest.hash("paint-" + i))).collect(Collectors.joining("\n"));
        long starting = System.nanoTime();
        try (RelayUnderTest relay = RelayUnderTest.generated("", lines, "")) {
            System.out.printf(Locale.ROOT, "dashboard paint: relay with %d devices ready in %.1f s%n", devices,
                    (System.nanoTime() - starting) / 1e9);
            ChromeDriver browser = start();
            try {
                signIn(browser, relay);
                double[][] fleet = measure(browser, relay.adminUrl() + "/ui/#/", "fleet-drawn", runs);
                double[][] tenant = measure(browser, relay.adminUrl() + "/ui/#/tenants/" + RelayUnderTest.TENANT,
                        "devices-drawn", runs);
                String total = browser.findElement(By.id("device-range")).getText();
                System.out.printf(Locale.ROOT, "dashboard paint, median of %d loads: fleet view first contentful"
                        + " paint %.0f ms (drawn %.0f ms); tenant page of %s first contentful paint %.0f ms (first"
                        + " page drawn %.0f ms)%n", runs, median(fleet[0]), median(fleet[1]),
                        total.replaceFirst("^.* of ", "") + " devices", median(tenant[0]), median(tenant[1]));
                System.out.printf(Locale.ROOT, "dashboard paint, each load (first contentful paint / drawn, ms):"
                        + " fleet %s; tenant %s%n", each(fleet), each(tenant));
                if (median(fleet[0]) > BOUND_MS || median(tenant[0]) > BOUND_MS) {
                    throw new IllegalStateException("a first contentful paint is over " + BOUND_MS + " ms");
                }
            } finally {
                browser.quit();
            }
        }
    }

    private static ChromeDriver start() {
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, new ChromeOptions().setBinary(BROWSER.toFile()).addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--no-first-run", "--disable-extensions"));
    }

    private static void signIn(ChromeDriver browser, RelayUnderTest relay) {
        browser.get(relay.adminUrl() + "/ui/");
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("token")))
                .sendKeys(relay.adminToken(), Keys.ENTER);
        wait(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
    }

    /** First contentful paint and drawn time (ms from navigation start) of {@code runs} fresh loads of a URL. */
    private static double[][] measure(ChromeDriver browser, String url, String mark, int runs) {
        double[] paint = new double[runs];
        double[] drawn = new double[runs];
        for (int i = 0; i < runs; i++) {
            browser.get("about:blank");
            browser.get(url);
            Object timing = wait(browser).until(d -> ((ChromeDriver) d).executeScript(TIMING, mark));
            paint[i] = ((Number) ((List<?>) timing).get(0)).doubleValue();
            drawn[i] = ((Number) ((List<?>) timing).get(1)).doubleValue();
        }
        return new double[][] {paint, drawn};
    }

    private static WebDriverWait wait(ChromeDriver browser) {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static String each(double[][] timings) {
        return IntStream.range(0, timings[0].length).mapToObj(i -> String.format(Locale.ROOT, "%.0f/%.0f",
                timings[0][i], timings[1][i])).collect(Collectors.joining(" "));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
