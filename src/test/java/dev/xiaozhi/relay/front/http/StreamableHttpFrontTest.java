package dev.xiaozhi.relay.front.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.SdkPeer;
import dev.xiaozhi.relay.support.TestMcpHttpServer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Verifies the Streamable HTTP front with the official MCP Java SDK's client against a started relay, and the life of
 * its sessions: the larger result cap, idle expiry, least-recently-used eviction per device and DELETE.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class StreamableHttpFrontTest {

    /**
     * Verifies that the SDK's Streamable HTTP client initializes, lists, calls with progress, and hears
     * {@code list_changed} on its GET stream, at every revision the front speaks.
     * GIVEN a relay (two front verticles) whose target is an SDK server that reports progress and adds a tool on its
     * first call; WHEN an SDK client connects over HTTP at the revision; THEN it sees the tools, gets the call's
     * progress before its result, and is told the tool list changed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2025-03-26", "2025-06-18", "2025-11-25"})
    void servesTheSdkClient(String version, Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (SdkPeer peer = SdkPeer.startHttp();
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, peer.url(), "pingInterval: 200ms"),
                        stateDir, Map.of()))) {
            List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
            List<List<Tool>> changes = new CopyOnWriteArrayList<>();
            try (McpSyncClient client = client(relay, version, progress::add, changes::add)) {
                InitializeResult initialized = client.initialize();
                assertThat(initialized.protocolVersion()).isEqualTo(version);
                Await.until(vertx, () -> names(client.listTools().tools()).contains("sdk___add"));

                // the SDK server sends a call's progress on whichever of its streams is open, its GET stream too, so
                // progress may race the result upstream already; the relay passes on what reaches it first
                Await.until(vertx, () -> {
                    CallToolResult sum = client.callTool(CallToolRequest.builder().name("sdk___add")
                            .arguments(Map.of("a", 2, "b", 3)).progressToken("mine").build());
                    assertThat(((TextContent) sum.content().get(0)).text()).isEqualTo("5.0");
                    return !progress.isEmpty();
                });
                assertThat(progress).first().satisfies(p -> {
                    assertThat(p.progressToken()).isEqualTo("mine");
                    assertThat(p.message()).isEqualTo("halfway");
                });
                Await.until(vertx, () -> changes.stream().anyMatch(tools -> names(tools).contains("sdk___multiply")));
                assertThat(((TextContent) client.callTool(CallToolRequest.builder().name("sdk___multiply")
                        .arguments(Map.of("a", 6, "b", 7)).build()).content().get(0)).text()).isEqualTo("42.0");
            }
        }
    }

    /**
     * Verifies that a session is served whichever front verticle a request's connection reaches: each request here
     * comes on a connection of its own, and the node's verticles, sharing a fixed port, take connections in turn
     * (on port 0 each verticle would listen on a port of its own).
     */
    @Test
    void servesASessionFromEveryFrontVerticle(@TempDir Path stateDir) throws Exception {
        int port = FreePorts.take(1)[0];
        try (SdkPeer peer = SdkPeer.startHttp();
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, peer.url(), "")
                        .replace("  port: 0\n", "  port: " + port + "\n"), stateDir, Map.of()))) {
            String session = new HttpPeer(relay.port()).initialize(TestRelay.TOKEN, "2025-06-18");

            for (int i = 0; i < 4; i++) {
                HttpResponse<String> echoed = new HttpPeer(relay.port()).post(TestRelay.TOKEN, session,
                        Requests.call(10 + i, "diagnostics___echo", "{\"text\":\"hop " + i + "\"}"));
                assertThat(echoed.statusCode()).isEqualTo(200);
                assertThat(Requests.text(Json.parse(echoed.body()))).isEqualTo("hop " + i);
            }
        }
    }

    /**
     * Verifies that HTTP clients get whole results up to the HTTP front's cap while WebSocket sessions keep the
     * Xiaozhi cloud's 8 KiB.
     */
    @Test
    void cutsResultsAtTheCapOfTheirFront(@TempDir Path stateDir, Vertx vertx) throws Exception {
        try (SdkPeer peer = SdkPeer.startHttp();
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, peer.url(), ""), stateDir,
                        Map.of()))) {
            String text = "x".repeat(20_000);
            String echo = Requests.call(2, "diagnostics___echo", "{\"text\":\"" + text + "\"}");
            HttpPeer http = new HttpPeer(relay.port());
            String session = http.initialize(TestRelay.TOKEN, "2025-06-18");
            JsonNode overHttp = Json.parse(http.post(TestRelay.TOKEN, session, echo).body());
            TestSocket socket = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            socket.initialize("2025-06-18");

            JsonNode overWebSocket = socket.exchange(echo);

            assertThat(Requests.text(overHttp)).isEqualTo(text);
            assertThat(Requests.text(overWebSocket)).contains("[truncated by the relay").hasSizeLessThan(8192);
        }
    }

    /**
     * Verifies that an HTTP session outlives its requests until it is idle for {@code server.httpSessionIdle}, that
     * a device's least recently used session makes room for its newest, and that DELETE ends a session; an ended
     * session's id answers 404.
     */
    @Test
    void endsSessionsWhenIdleEvictedOrDeleted(@TempDir Path stateDir, Vertx vertx) throws Exception {
        String server = "pingInterval: 200ms\nhttpSessionIdle: 1s\nhttpMaxSessionsPerDevice: 2";
        try (SdkPeer peer = SdkPeer.startHttp();
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, peer.url(), server), stateDir,
                        Map.of()));
                LogCapture logs = LogCapture.start()) {
            HttpPeer http = new HttpPeer(relay.port());
            String idle = http.initialize(TestRelay.TOKEN, "2025-11-25");
            Await.until(vertx, () -> logs.lines().stream().anyMatch(line -> line.startsWith("idle http session")));
            assertThat(status(http, idle)).isEqualTo(404);

            String oldest = http.initialize(TestRelay.TOKEN, "2025-11-25");
            String used = http.initialize(TestRelay.TOKEN, "2025-11-25");
            assertThat(status(http, used)).isEqualTo(200);
            String newest = http.initialize(TestRelay.TOKEN, "2025-11-25");

            assertThat(status(http, oldest)).isEqualTo(404);
            assertThat(status(http, used)).isEqualTo(200);
            assertThat(status(http, newest)).isEqualTo(200);
            assertThat(http.send("DELETE", HttpPeer.headers(TestRelay.TOKEN, newest), null).statusCode())
                    .isEqualTo(200);
            assertThat(status(http, newest)).isEqualTo(404);
            assertThat(Json.parse(http.post(TestRelay.TOKEN, used, Requests.listTools("3")).body())
                    .at("/result/tools").size()).isGreaterThan(1);
        }
    }

    /**
     * Verifies that an HTTP session is listed with the node's sessions as {@code http}, and that revoking its device
     * ends it: it leaves the list and its token is refused with 401.
     */
    @Test
    void endsTheSessionOfARevokedDevice(@TempDir Path stateDir, Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            HttpPeer http = new HttpPeer(relay.port());
            String session = http.initialize(TestRelay.TOKEN, "2025-11-25");
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            JsonArray listed = admin.get("/sessions").bodyAsJsonObject().getJsonArray("items");
            assertThat(listed).hasSize(1);
            assertThat(listed.getJsonObject(0).getString("front")).isEqualTo("http");

            assertThat(admin.post("/tenants/acme/devices/kitchen/revoke", null).statusCode()).isEqualTo(200);

            Await.until(vertx, () -> admin.get("/sessions").bodyAsJsonObject().getJsonArray("items").isEmpty());
            assertThat(http.post(TestRelay.TOKEN, session, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}")
                    .statusCode()).isEqualTo(401);
        }
    }

    /**
     * Verifies that a lone reply is {@code application/json} for a client that lists it first in its {@code Accept},
     * and one event of a {@code text/event-stream} for a client that lists the event stream first.
     */
    @Test
    void streamsALoneReplyWhenTheClientPrefersTheEventStream(@TempDir Path stateDir) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            HttpPeer http = new HttpPeer(relay.port());
            String session = http.initialize(TestRelay.TOKEN, "2025-11-25");
            Map<String, String> streamFirst = HttpPeer.headers(TestRelay.TOKEN, session);
            streamFirst.put("Accept", "text/event-stream, application/json");

            HttpResponse<String> json = http.post(TestRelay.TOKEN, session, Requests.listTools("1"));
            HttpResponse<String> streamed = http.send("POST", streamFirst, Requests.listTools("2"));

            assertThat(json.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(streamed.headers().firstValue("Content-Type")).contains("text/event-stream");
            assertThat(streamed.body()).startsWith("event: message\ndata: {").contains("\"id\":2");
        }
    }

    /**
     * Verifies that every progress notification of a call reaches the POST's event stream before the result, even
     * when the target sends the last of them and the result in one write.
     * GIVEN a target whose tool streams three progress notifications and its result at once; WHEN a session calls
     * it 40 times; THEN each answer is an event stream of the three, in order, and then the result.
     */
    @Test
    void passesEveryProgressBeforeTheResultItPrecedes(@TempDir Path stateDir, Vertx vertx) throws Exception {
        try (TestMcpHttpServer upstream = TestMcpHttpServer.start(vertx, null);
                TestRelay relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir,
                        "up: {type: http, url: \"" + upstream.url() + "\"}"), stateDir, Map.of()))) {
            relay.awaitTool(vertx, TestRelay.TOKEN, "up___stream");
            HttpPeer http = new HttpPeer(relay.port());
            String session = http.initialize(TestRelay.TOKEN, "2025-06-18");

            for (int call = 1; call <= 40; call++) {
                String body = http.post(TestRelay.TOKEN, session, "{\"jsonrpc\":\"2.0\",\"id\":" + call
                        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"up___stream\",\"arguments\":"
                        + "{\"events\":3},\"_meta\":{\"progressToken\":\"call-" + call + "\"}}}").body();

                List<String> events = new ArrayList<>();
                for (String data : body.lines().filter(line -> line.startsWith("data: ")).toList()) {
                    JsonNode message = Json.parse(data.substring(6));
                    events.add(message.has("method") ? message.at("/params/progressToken").asText() + "@"
                            + message.at("/params/progress").asInt() : "result " + message.get("id").asInt());
                }
                assertThat(events).as("call %d", call).containsExactly("call-" + call + "@1", "call-" + call + "@2",
                        "call-" + call + "@3", "result " + call);
            }
        }
    }

    /**
     * Verifies that a draining node keeps serving its HTTP sessions and ends them one after another over the grace,
     * refusing new sessions and closing each response's connection meanwhile.
     * GIVEN three sessions on a node whose grace is 5 s; WHEN the node drains; THEN an initialize gets 503 with
     * {@code Connection: close}, and the sessions, served meanwhile, answer 404 one after another, the last at least
     * two seconds after the first.
     */
    @Test
    void endsHttpSessionsOneAfterAnotherWhenDraining(@TempDir Path stateDir, Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            HttpPeer http = new HttpPeer(relay.port());
            List<String> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                open.add(http.initialize(TestRelay.TOKEN, "2025-11-25"));
            }
            long draining = System.nanoTime();
            Future<Void> stopped = relay.node().stop();
            HttpResponse<String> refused = http.post(TestRelay.TOKEN, null, Requests.initialize(1, "2025-11-25"));
            List<Long> endedMs = new ArrayList<>();
            int[] servedWhileDraining = new int[1];
            Await.until(vertx, 10_000, () -> {
                for (String session : List.copyOf(open)) {
                    int status;
                    try {
                        status = status(http, session);
                    } catch (IOException e) {
                        status = 404; // the node closed its port, or the connection, once its last session ended
                    }
                    if (status == 404) {
                        open.remove(session);
                        endedMs.add((System.nanoTime() - draining) / 1_000_000);
                    } else if (status == 200) {
                        servedWhileDraining[0]++;
                    }
                }
                return open.isEmpty();
            });
            stopped.await(30, TimeUnit.SECONDS);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Connection")).hasValue("close");
            assertThat(servedWhileDraining[0]).isPositive();
            assertThat(endedMs.get(2) - endedMs.get(0)).isGreaterThanOrEqualTo(2_000);
            System.out.printf("a draining node ended its http sessions after %s ms, serving %d requests meanwhile%n",
                    endedMs, servedWhileDraining[0]);
        }
    }

    private static int status(HttpPeer http, String session) throws Exception {
        HttpResponse<String> answer = http.post(TestRelay.TOKEN, session, "{\"jsonrpc\":\"2.0\",\"id\":9,"
                + "\"method\":\"ping\"}");
        return answer.statusCode();
    }

    private static McpSyncClient client(TestRelay relay, String version, Consumer<ProgressNotification> progress,
            Consumer<List<Tool>> changes) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + relay.port())
                .endpoint("/mcp")
                .supportedProtocolVersions(List.of(version))
                .customizeRequest(request -> request.header("Authorization", "Bearer " + TestRelay.TOKEN))
                .build();
        return sdkClient(transport, progress, changes).build();
    }

    /** The SDK client of these tests over a transport: no capabilities, 20 s per request, listening to progress. */
    static McpClient.SyncSpec sdkClient(McpClientTransport transport, Consumer<ProgressNotification> progress,
            Consumer<List<Tool>> changes) {
        return McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .capabilities(ClientCapabilities.builder().build())
                .progressConsumer(progress)
                .toolsChangeConsumer(changes);
    }

    static List<String> names(List<Tool> tools) {
        return tools.stream().map(Tool::name).toList();
    }

    /** A relay whose targets are an SDK server at {@code sdkUrl} ({@code sdk}) and the diagnostics builtin. */
    static String yaml(Path stateDir, String sdkUrl, String serverExtra) {
        return """
                node: {stateDir: %s}
                server:
                  host: 127.0.0.1
                  port: 0
                  instances: 2
                %s
                admin: {port: 0}
                targets:
                  sdk: {type: http, url: "%s"}
                  diagnostics: {type: builtin, builtin: diagnostics}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                """.formatted(stateDir, serverExtra.indent(2).stripTrailing(), sdkUrl,
                TokenHash.ofPlain(TestRelay.TOKEN));
    }
}
