package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeProvider;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.RawProvider;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "provider sockets never check {@code writeQueueFull} and get no ping/idle check on {@code /tools}": a
 * provider-token holder that stopped reading made the relay queue every call for it without bound, and one that went
 * silent (its host gone, its process stopped) or stuck kept its target connected, every call running into the
 * deadline.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class StalledProviderAttackTest {

    private static final String PROVIDER_TOKEN = "xzr_stalled-provider";
    private static final String PROVIDER_PATH = "/tools?token=" + PROVIDER_TOKEN;
    private static final String EVALUATE = "{\"expression\":\"1+2\"}";
    private static final int ARGUMENT_CHARS = 500 * 1024;
    private static final int MAX_CALLS = 200;

    @TempDir
    Path stateDir;
    private LogCapture logs;

    @BeforeEach
    void start() {
        logs = LogCapture.start();
    }

    @AfterEach
    void stop() {
        logs.close();
    }

    /**
     * Verifies that a provider that does not read is dropped once its write queue is full.
     * GIVEN a provider that stops reading after its handshake, behind {@code server.writeQueueMaxBytes: 64KiB}
     * WHEN a device sends it 500 KB calls until the relay gives up on it
     * THEN the relay drops it with a clear error for the calls it held, the calculator answers, and a provider that
     * dials in again serves the next call.
     */
    @Test
    void dropsAProviderThatDoesNotRead(Vertx vertx) throws Exception {
        try (TestRelay relay = relay("")) {
            RawProvider provider = RawProvider.connect(vertx, relay.port(), PROVIDER_PATH);
            TestSocket device = connected(vertx, relay);
            provider.stopReading();
            String argument = "{\"text\":" + Json.quote("x".repeat(ARGUMENT_CHARS)) + "}";

            int sent = 0;
            while (sent < MAX_CALLS && !dropped("provider does not read, dropped [target: home]")) {
                device.send(call(sent++, "home___lights", argument));
            }
            List<String> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < sent; i++) {
                failures.add(text(device.nextResponse()));
            }

            assertThat(dropped("provider does not read, dropped [target: home]")).isTrue();
            assertThat(failures).contains("home failed: home provider does not read what it is sent; it was "
                    + "disconnected").allMatch(failure -> failure.startsWith("home "));
            assertThat(text(device.exchange(call(1000, "calculator___evaluate", EVALUATE)))).isEqualTo("3");
            FakeProvider.connect(vertx.createWebSocketClient(), relay.port(), PROVIDER_PATH, new ArrayList<>());
            Await.until(vertx, () -> readyCount() == 2);
            assertThat(text(device.exchange(call(1001, "home___lights", "{}")))).isEqualTo("lights: on");
        }
    }

    /**
     * Verifies that a silent provider is dropped by the relay's pings.
     * GIVEN a provider that never answers pings and stops reading after a call; {@code pingInterval: 1s},
     * {@code pingTimeout: 1s}
     * WHEN a few seconds pass
     * THEN the relay drops it as silent, the calculator answers, and a provider that dials in again serves a call.
     */
    @Test
    void dropsASilentProvider(Vertx vertx) throws Exception {
        try (TestRelay relay = relay(", pingInterval: 1s, pingTimeout: 1s")) {
            RawProvider provider = RawProvider.connect(vertx, relay.port(), PROVIDER_PATH);
            TestSocket device = connected(vertx, relay);
            assertThat(text(device.exchange(call(1, "home___lights", "{}")))).isEqualTo("lights: on");
            provider.stopReading();

            Await.until(vertx, 15_000, () -> dropped("provider silent, dropped [target: home"));
            assertThat(text(device.exchange(call(2, "home___lights", "{}")))).isEqualTo("home failed: home has no "
                    + "provider connected; try again shortly");
            assertThat(text(device.exchange(call(3, "calculator___evaluate", EVALUATE)))).isEqualTo("3");
            FakeProvider.connect(vertx.createWebSocketClient(), relay.port(), PROVIDER_PATH, new ArrayList<>());
            Await.until(vertx, () -> readyCount() == 2);
            assertThat(text(device.exchange(call(4, "home___lights", "{}")))).isEqualTo("lights: on");
        }
    }

    /**
     * Verifies that a provider that answers nothing, not even a JSON-RPC {@code ping}, is dropped after a call runs
     * out of time.
     * GIVEN a provider that reads on but answers nothing after its handshake; {@code timeout: 2s},
     * {@code pingTimeout: 1s}
     * WHEN a device calls it
     * THEN the call runs out of time, the relay drops the provider, the calculator answers, and a provider that dials
     * in again serves a call.
     */
    @Test
    void dropsAProviderThatStopsAnswering(Vertx vertx) throws Exception {
        try (TestRelay relay = relay(", timeout: 2s, pingTimeout: 1s")) {
            RawProvider provider = RawProvider.connect(vertx, relay.port(), PROVIDER_PATH);
            TestSocket device = connected(vertx, relay);
            provider.stopAnswering();

            assertThat(text(device.exchange(call(1, "home___lights", "{}")))).isEqualTo("home did not answer within "
                    + "2 s");
            Await.until(vertx, () -> dropped("server answers no ping, dropping it [target: home,"));
            assertThat(text(device.exchange(call(2, "calculator___evaluate", EVALUATE)))).isEqualTo("3");
            FakeProvider.connect(vertx.createWebSocketClient(), relay.port(), PROVIDER_PATH, new ArrayList<>());
            Await.until(vertx, () -> readyCount() == 2);
            assertThat(text(device.exchange(call(3, "home___lights", "{}")))).isEqualTo("lights: on");
        }
    }

    private TestRelay relay(String providerKeys) throws Exception {
        return TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1, writeQueueMaxBytes: 64KiB}
                admin: {port: 0}
                targets:
                  home: {type: provider, token: "%s", breaker: {maxFailures: 1000}%s}
                  calculator: {type: builtin, builtin: calculator}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                """.formatted(stateDir, PROVIDER_TOKEN, providerKeys, TokenHash.ofPlain(TestRelay.TOKEN)), stateDir,
                Map.of()));
    }

    private TestSocket connected(Vertx vertx, TestRelay relay) throws Exception {
        Await.until(vertx, () -> readyCount() == 1);
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools").size() == 2);
        return device;
    }

    private long readyCount() {
        return logs.lines().stream().filter(line -> line.startsWith("server ready [target: home,")).count();
    }

    private boolean dropped(String line) {
        return logs.lines().stream().anyMatch(logged -> logged.startsWith(line));
    }
}
