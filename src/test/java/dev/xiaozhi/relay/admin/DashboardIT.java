package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud;
import dev.xiaozhi.relay.support.HeadlessChromium;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser (headless Chromium) against a started relay with a tenant of {@value #DEVICES}
 * devices, {@value #PIPES} of them with a pipe to a fake Xiaozhi cloud (one refused), a device on a WebSocket, and a
 * target that times out. Screenshots of every page land in {@code target/dashboard/}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class DashboardIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardIT.class);

    private static final int DEVICES = 300;
    private static final int PIPES = 6;
    private static final int MAX_FAILURES = 3;
    private static final long REVOKE_MS = 2_000;
    private static final int MAX_TABS = 60;
    /** The breaker counts failures over its window (10 s by default), and the page hears of it on the next tick. */
    private static final long BREAKER_WINDOW_MS = 10_000 + 2_000;

    @TempDir
    static Path stateDir;

    private static Vertx vertx;
    private static FakeXiaozhiCloud cloud;
    private static TestRelay relay;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        cloud = FakeXiaozhiCloud.start(vertx);
        StringBuilder fleet = new StringBuilder();
        for (int i = 0; i < DEVICES; i++) {
            fleet.append("      d-%04d: {name: \"Agent %d\", tokenHash: \"%s\"%s}\n".formatted(i, i,
                    TokenHash.ofPlain(deviceToken(i)), i < PIPES ? ", endpoint: \"" + cloud.endpoint(
                            (i == 0 ? "bad-" : "pipe-") + i) + "\"" : ""));
        }
        String yaml = """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1, shutdownGrace: 2s}
                admin:
                  port: 0
                  tokens:
                    ops: {tokenHash: "%s"}
                    viewer: {tokenHash: "%s", role: reader}
                targets:
                  calculator: {type: builtin, builtin: calculator}
                  slow:
                    type: builtin
                    builtin: diagnostics
                    timeout: 200ms
                    breaker: {maxFailures: %d, resetTimeout: 1m}
                tenants:
                  acme:
                    devices:
                      kitchen: {tokenHash: "%s"}
                  fleet:
                    devices:
                %s""".formatted(stateDir, TokenHash.ofPlain(TestRelay.ADMIN_TOKEN),
                TokenHash.ofPlain(TestRelay.READER_TOKEN), MAX_FAILURES, TokenHash.ofPlain(TestRelay.TOKEN), fleet);
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
        Await.until(vertx, 30_000, () -> IntStream.range(1, PIPES).allMatch(i -> !cloud.connections("pipe-" + i)
                .isEmpty()));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        cloud.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * Verifies that a reader sees the fleet and changes nothing.
     * GIVEN the page, signed in with the reader token by keyboard only
     * WHEN it shows the fleet and the tenant of {@value #DEVICES} devices
     * THEN its counts are the admin API's, and no action is in the DOM; once signed out, a reload shows the sign-in.
     */
    @Test
    void readerSeesTheFleetWithoutActions() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            signIn(browser, TestRelay.READER_TOKEN);
            browser.await("#fleet-summary dd");

            JsonObject fleet = api().get("/fleet").bodyAsJsonObject();
            Await.until(vertx, () -> text(browser, "#count-pipes-connected").equals(
                    String.valueOf(fleet.getJsonObject("pipes").getInteger("connected"))));
            assertThat(text(browser, "#count-pipes-unauthorized"))
                    .isEqualTo(String.valueOf(fleet.getJsonObject("pipes").getInteger("unauthorized")));
            assertThat(text(browser, "#count-nodes-ready")).isEqualTo("1");
            assertThat(text(browser, "#count-sessions")).isEqualTo(String.valueOf(fleet.getJsonArray("nodes")
                    .stream().map(JsonObject.class::cast).map(node -> node.getJsonObject("sessions"))
                    .mapToInt(by -> by.fieldNames().stream().mapToInt(by::getInteger).sum()).sum()));
            assertThat(browser.driver().findElements(By.id("add-tenant"))).isEmpty();
            browser.screenshot("fleet-reader");

            browser.open(page("#/tenants/fleet"));
            browser.await("tr[data-device='d-0000']");
            int total = api().get("/fleet/tenants/fleet/devices?limit=1").bodyAsJsonObject().getInteger("total");
            assertThat(total).isEqualTo(DEVICES);
            assertThat(text(browser, "#device-range")).endsWith("of " + DEVICES);
            assertThat(browser.driver().findElements(By.cssSelector("#devices button, #add-device"))).isEmpty();
            browser.screenshot("tenant-reader");

            browser.await("#sign-out").click();
            browser.await("#token");
            browser.open(page("#/tenants/fleet"));
            assertThat(browser.await("#token").isDisplayed()).isTrue();
            assertThat(browser.driver().findElements(By.cssSelector("tr[data-device]"))).isEmpty();
        }
    }

    /**
     * Verifies that an admin's revocation in the page takes effect and shows at once.
     * GIVEN the page signed in with the admin token on the tenant {@code acme}, whose device has a live session
     * WHEN the admin revokes it in the page by keyboard only (Tab to its button, Enter, Enter to confirm)
     * THEN the device's session closes and its row says disabled within 2 s, and the audit log has the API's line.
     */
    @Test
    void adminRevokesADeviceInThePage() throws Exception {
        TestSocket kitchen = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        kitchen.initialize("2025-06-18");
        try (HeadlessChromium browser = HeadlessChromium.start(); LogCapture logs = LogCapture.start()) {
            signIn(browser, TestRelay.ADMIN_TOKEN);
            browser.await("#add-tenant");
            browser.screenshot("fleet-admin");
            browser.open(page("#/tenants/acme"));
            browser.await("tr[data-device='kitchen'][data-online='true']");
            assertLabelled(browser);
            browser.screenshot("tenant-admin");

            tabTo(browser, "Revoke kitchen").sendKeys(Keys.ENTER);
            WebElement confirm = browser.await("dialog[open] button[type=submit]");
            browser.screenshot("revoke-dialog");
            long clicked = System.nanoTime();
            confirm.sendKeys(Keys.ENTER);
            kitchen.awaitClose();
            browser.await("tr[data-device='kitchen'][data-status='disabled'][data-online='false']");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - clicked);

            LOG.info("revoked in the page [ms to closed session and changed row: {}]", tookMs);
            assertThat(tookMs).isLessThan(REVOKE_MS);
            assertThat(api().get("/tenants/acme/devices/kitchen").bodyAsJsonObject().getString("status"))
                    .isEqualTo("disabled");
            assertThat(logs.lines()).anyMatch(line -> line.startsWith(
                    "admin change [actor: ops, action: device.revoke, subject: acme/kitchen, at: "));
            browser.screenshot("tenant-revoked");

            addDevice(browser);
            browser.open(page("#/tenants/fleet/devices/d-0001"));
            browser.await("#device-state");
            browser.screenshot("device");
        }
    }

    /**
     * Verifies that a failing target turns red.
     * GIVEN the fleet page signed in with the admin token, and a target whose calls time out
     * WHEN a device calls it more than {@code breaker.maxFailures} times
     * THEN the target's row is red (its circuit open) within the breaker's window.
     */
    @Test
    void failingTargetTurnsRed() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            signIn(browser, TestRelay.ADMIN_TOKEN);
            browser.await("tr[data-target='slow'][data-circuit='closed']");
            TestSocket device = TestSocket.connect(vertx, relay.url(deviceToken(DEVICES - 1)));
            device.initialize("2025-06-18");
            long started = System.nanoTime();
            for (int i = 0; i <= MAX_FAILURES; i++) {
                device.exchange(Requests.call(10 + i, "slow___sleep", "{\"ms\":1000}"));
            }
            Await.until(vertx, BREAKER_WINDOW_MS, () -> !browser.driver().findElements(
                    By.cssSelector("tr.failing[data-target='slow']")).isEmpty());

            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            LOG.info("failing target red in the page [ms from its first call: {}]", tookMs);
            assertThat(tookMs).isLessThan(BREAKER_WINDOW_MS);
            browser.screenshot("fleet-target-failing");
            browser.open(page("#/targets/slow"));
            browser.await("#target-circuit");
            browser.screenshot("target");
        }
    }

    /** Adds a device in the page: its token and URL are shown once, copied by a button, then gone from the DOM. */
    private static void addDevice(HeadlessChromium browser) throws Exception {
        browser.await("#add-device").click();
        browser.await("dialog[open] #field-id").sendKeys("porch");
        browser.await("dialog[open] #field-name").sendKeys("Porch speaker", Keys.ENTER);
        String token = browser.await("#once-token").getDomProperty("value");
        String url = browser.await("#once-url").getDomProperty("value");
        browser.await("dialog[open] button[type=button]").click();
        browser.await("dialog[open] p[role=status]");
        Await.until(vertx, () -> !text(browser, "dialog[open] p[role=status]").isEmpty());
        browser.screenshot("device-added");
        browser.driver().findElement(By.xpath("//dialog//button[text()='Done']")).click();
        browser.await("tr[data-device='porch']");

        assertThat(token).startsWith("xzr_");
        assertThat(url).contains(token);
        assertThat(browser.driver().getPageSource()).doesNotContain(token);
        TestSocket porch = TestSocket.connect(vertx, url);
        assertThat(porch.initialize("2025-06-18").at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
        porch.socket().close();
    }

    private static void signIn(HeadlessChromium browser, String token) throws Exception {
        browser.open(page(""));
        WebElement field = browser.await("#token");
        browser.screenshot("sign-in");
        field.sendKeys(token, Keys.ENTER);
        browser.await("#sign-out");
        assertThat(browser.script("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
                + " + document.cookie + location.href")).asString().doesNotContain(token);
    }

    /** Presses Tab until the control named {@code name} has the focus (the page without a mouse), and returns it. */
    private static WebElement tabTo(HeadlessChromium browser, String name) {
        browser.script("document.activeElement?.blur()");
        for (int i = 0; i < MAX_TABS; i++) {
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            WebElement focused = browser.driver().switchTo().activeElement();
            if (name.equals(focused.getAttribute("aria-label")) || name.equals(focused.getText())) {
                return focused;
            }
        }
        throw new AssertionError(name + " is not reached by " + MAX_TABS + " presses of Tab");
    }

    /** Every button, input and link has an accessible name: its text, its label or its aria-label. */
    private static void assertLabelled(HeadlessChromium browser) {
        Object unnamed = browser.script("""
                return [...document.querySelectorAll('button, input, a, select, textarea')]
                  .filter(el => !(el.getAttribute('aria-label') || (el.labels && el.labels.length)
                    || el.textContent.trim()))
                  .map(el => el.outerHTML);""");
        assertThat((List<?>) unnamed).isEmpty();
    }

    private static String text(HeadlessChromium browser, String css) {
        return browser.driver().findElement(By.cssSelector(css)).getText().replace(",", "");
    }

    private static String page(String hash) {
        return "http://127.0.0.1:" + relay.adminPort() + "/ui/" + hash;
    }

    private static AdminClient api() {
        return new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
    }

    private static String deviceToken(int i) {
        return "xzr_fleet-device-" + i;
    }
}
