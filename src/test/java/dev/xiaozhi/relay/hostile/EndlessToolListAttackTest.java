package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.JsonRpc;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileMcpServer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import dev.xiaozhi.relay.upstream.mcp.McpClientConnection;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #5: a target answered every {@code tools/list} with {@code nextCursor: "again"}; the relay followed it
 * 90,000 times in 45 s and died of OutOfMemoryError (stdio, http and provider targets alike, so any provider-token
 * holder could do it).
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class EndlessToolListAttackTest {

    /** How many pages the hostile servers answer before they give up, so an unbounded relay stops too. */
    private static final int PATIENCE = 5_000;
    /** The same for the provider, whose pages are large. */
    private static final int PROVIDER_PATIENCE = 20;
    private static final int STORM = 50;
    private static final String PROVIDER_TOKEN = "xzr_hostile-provider";

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
     * Verifies that a repeated cursor ends the listing, and that endless fresh cursors end it after the page limit.
     * GIVEN an http target answering {@code nextCursor: "again"}, and one answering a new cursor on every page
     * WHEN the relay lists their tools
     * THEN it asks the first twice and the second {@link McpClientConnection#MAX_LIST_PAGES} times, keeps what it
     * got, says so once per target, and devices can call the tools.
     */
    @Test
    void stopsAtARepeatedCursorAndAtThePageLimit(Vertx vertx) throws Exception {
        AtomicInteger repeated = new AtomicInteger();
        AtomicInteger fresh = new AtomicInteger();
        try (HostileMcpServer again = HostileMcpServer.start(vertx).on("tools/list", (request, id, message) ->
                HostileMcpServer.json(request, JsonRpc.response(id, "{\"tools\":[" + HostileMcpServer.tool("fair")
                        + "]" + (repeated.incrementAndGet() < PATIENCE ? ",\"nextCursor\":\"again\"" : "") + "}")));
                HostileMcpServer endless = HostileMcpServer.start(vertx).on("tools/list", (request, id, message) -> {
                    int page = fresh.incrementAndGet();
                    HostileMcpServer.json(request, JsonRpc.response(id, "{\"tools\":[" + HostileMcpServer.tool(
                            "t" + page) + "]" + (page < PATIENCE ? ",\"nextCursor\":\"p" + page + "\"" : "") + "}"));
                });
                TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                        again: {type: http, url: "%s"}
                        endless: {type: http, url: "%s"}
                        """.formatted(again.url(), endless.url())),
                        stateDir, Map.of()))) {
            Await.until(vertx, () -> ready("again") && ready("endless"));
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");

            assertThat(again.requests("tools/list")).isEqualTo(2);
            assertThat(endless.requests("tools/list")).isEqualTo(McpClientConnection.MAX_LIST_PAGES);
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("tool listing cut")).hasSize(2)
                    .anyMatch(line -> line.contains("target: again") && line.contains("cursor repeated"))
                    .anyMatch(line -> line.contains("target: endless") && line.contains("more than "
                            + McpClientConnection.MAX_LIST_PAGES + " pages"));
            assertThat(logs.lines()).anyMatch(line -> line.startsWith(readyLine("again", 1)))
                    .anyMatch(line -> line.startsWith(readyLine("endless", McpClientConnection.MAX_LIST_PAGES)));
            assertThat(text(device.exchange(call(1, "again___fair", "{}")))).isEqualTo("fair ok");
        }
    }

    /**
     * Verifies that a provider can neither list more tools than the limit nor keep the relay listing.
     * GIVEN a provider whose every page holds 300 tools and a new cursor
     * WHEN it connects, and then sends 50 {@code notifications/tools/list_changed} at once
     * THEN the relay keeps {@link McpClientConnection#MAX_ITEMS} tools, and lists at most twice more.
     */
    @Test
    void boundsAProvidersToolsAndItsListingStorms(Vertx vertx) throws Exception {
        AtomicInteger pages = new AtomicInteger();
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  home: {type: provider, token: "%s"}
                """.formatted(stateDir, PROVIDER_TOKEN), stateDir, Map.of()))) {
            ClientWebSocket provider = vertx.createWebSocketClient().webSocket();
            provider.textMessageHandler(text -> {
                JsonNode message = parse(text);
                String id = message.path("id").toString();
                switch (message.path("method").asText()) {
                    case "initialize" -> provider.writeTextMessage(JsonRpc.response(id, "{\"protocolVersion\":"
                            + "\"2024-11-05\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"bridge\","
                            + "\"version\":\"1\"}}"));
                    case "tools/list" -> {
                        int page = pages.incrementAndGet();
                        provider.writeTextMessage(JsonRpc.response(id, "{\"tools\":[" + IntStream.range(0, 300)
                                .mapToObj(i -> HostileMcpServer.tool("p" + page + "t" + i))
                                .collect(Collectors.joining(",")) + "]"
                                + (page < PROVIDER_PATIENCE ? ",\"nextCursor\":\"c" + page + "\"" : "") + "}"));
                    }
                    case "tools/call" -> provider.writeTextMessage(JsonRpc.response(id, ToolResults.text("ok")));
                    default -> { }
                }
            });
            provider.connect(relay.port(), "127.0.0.1", "/tools?token=" + PROVIDER_TOKEN).await(10, TimeUnit.SECONDS);
            Await.until(vertx, () -> ready("home"));
            int firstListing = pages.get();
            for (int i = 0; i < STORM; i++) {
                provider.writeTextMessage(JsonRpc.notification("notifications/tools/list_changed", null));
            }
            Await.until(vertx, () -> logs.lines().stream().filter(line -> line.startsWith("tool listing cut")
                    && line.contains("target: home")).count() >= 2);
            vertx.timer(500, TimeUnit.MILLISECONDS).await();

            assertThat(firstListing).isEqualTo(McpClientConnection.MAX_ITEMS / 300 + 1);
            assertThat(logs.lines())
                    .anyMatch(line -> line.startsWith(readyLine("home", McpClientConnection.MAX_ITEMS)));
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("tool listing cut")).first().asString()
                    .contains("more than " + McpClientConnection.MAX_ITEMS + " tools");
            assertThat(pages.get() - firstListing).isLessThanOrEqualTo(2 * firstListing);
        }
    }

    private boolean ready(String target) {
        return logs.lines().stream().anyMatch(line -> line.startsWith("server ready [target: " + target + ","));
    }

    /** The start of the line a server's first listing ends with. */
    private static String readyLine(String target, int tools) {
        return "server ready [target: " + target + ", protocol: " + (target.equals("home") ? "2024-11-05"
                : "2025-06-18") + ", tools: " + tools + ",";
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
