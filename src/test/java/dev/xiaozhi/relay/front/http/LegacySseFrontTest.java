package dev.xiaozhi.relay.front.http;

import static dev.xiaozhi.relay.front.http.StreamableHttpFrontTest.names;
import static dev.xiaozhi.relay.front.http.StreamableHttpFrontTest.sdkClient;
import static dev.xiaozhi.relay.front.http.StreamableHttpFrontTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.SdkPeer;
import dev.xiaozhi.relay.support.SsePeer;
import dev.xiaozhi.relay.support.TestRelay;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies the legacy HTTP+SSE front (MCP 2024-11-05) with the official MCP Java SDK's HTTP+SSE client against a
 * started relay: the same session as on every front, under the same registry and limits, that lives as long as its
 * stream.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class LegacySseFrontTest {

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

    /**
     * Verifies that the SDK's HTTP+SSE client initializes at 2024-11-05, lists, calls with progress, reads prompts and
     * resources, and hears the three {@code list_changed} on its stream.
     * GIVEN a relay (two front verticles) whose target is an SDK server that reports progress and adds a tool, a
     * prompt and a resource on its first call; WHEN an SDK client connects at {@code /sse} with a bearer token; THEN
     * it sees and uses the whole catalog, gets the call's progress, and is told each list changed.
     */
    @Test
    void servesTheSdkSseClient(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (SdkPeer peer = SdkPeer.startHttp();
                TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml(stateDir, peer.url(), "pingInterval: 200ms"),
                        stateDir, Map.of()))) {
            // initialize is answered from the relay's own state: wait until the SDK server's offers are in it, since
            // the SDK client refuses to list what the answer did not announce
            HttpPeer http = new HttpPeer(relay.port());
            Await.until(vertx, () -> Json.parse(http.post(TestRelay.TOKEN, null, Requests.initialize(1,
                    "2025-06-18")).body()).at("/result/capabilities").has("resources"));
            List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
            List<List<Tool>> tools = new CopyOnWriteArrayList<>();
            List<List<Prompt>> prompts = new CopyOnWriteArrayList<>();
            List<List<Resource>> resources = new CopyOnWriteArrayList<>();
            HttpClientSseClientTransport transport = HttpClientSseClientTransport
                    .builder("http://127.0.0.1:" + relay.port())
                    .sseEndpoint("/sse")
                    .customizeRequest(request -> request.header("Authorization", "Bearer " + TestRelay.TOKEN))
                    .build();
            try (McpSyncClient client = sdkClient(transport, progress::add, tools::add)
                    .promptsChangeConsumer(prompts::add).resourcesChangeConsumer(resources::add).build()) {
                InitializeResult initialized = client.initialize();
                assertThat(initialized.protocolVersion()).isEqualTo("2024-11-05");
                Await.until(vertx, () -> names(client.listTools().tools()).contains("sdk___add"));
                assertThat(client.listPrompts().prompts()).extracting(Prompt::name).contains("sdk___greet");
                assertThat(((TextContent) client.getPrompt(new GetPromptRequest("sdk___greet", Map.of()))
                        .messages().get(0).content()).text()).isEqualTo("greet from the peer");
                Resource status = client.listResources().resources().stream()
                        .filter(resource -> resource.uri().endsWith("peer://status")).findFirst().orElseThrow();
                assertThat(((TextResourceContents) client.readResource(new ReadResourceRequest(status.uri()))
                        .contents().get(0)).text()).isEqualTo("fine");

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
                Await.until(vertx, () -> tools.stream().anyMatch(list -> names(list).contains("sdk___multiply"))
                        && prompts.stream().anyMatch(list -> list.stream()
                                .anyMatch(prompt -> prompt.name().equals("sdk___farewell")))
                        && resources.stream().anyMatch(list -> list.stream()
                                .anyMatch(resource -> resource.uri().endsWith("peer://uptime"))));
                assertThat(((TextContent) client.callTool(CallToolRequest.builder().name("sdk___multiply")
                        .arguments(Map.of("a", 6, "b", 7)).build()).content().get(0)).text()).isEqualTo("42.0");
            }
        }
    }

    /**
     * Verifies that a legacy session is listed with the node's sessions as {@code sse}, and that revoking its device
     * ends it: its stream ends, it leaves the list, and its token is refused with 401.
     */
    @Test
    void endsTheSessionOfARevokedDevice(@TempDir Path stateDir, Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "");
                SsePeer stream = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            stream.initialize(TestRelay.TOKEN);
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            JsonArray listed = admin.get("/sessions").bodyAsJsonObject().getJsonArray("items");
            assertThat(listed).hasSize(1);
            assertThat(listed.getJsonObject(0).getString("front")).isEqualTo("sse");

            assertThat(admin.post("/tenants/acme/devices/kitchen/revoke", null).statusCode()).isEqualTo(200);

            Await.until(vertx, stream::ended);
            Await.until(vertx, () -> admin.get("/sessions").bodyAsJsonObject().getJsonArray("items").isEmpty());
            assertThat(stream.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(401);
        }
    }

    /**
     * Verifies that legacy streams count against the device's {@code maxSessionsPerDevice} as WebSockets do: a newer
     * stream over the limit ends the oldest session.
     */
    @Test
    void holdsADeviceToItsSessionsPerDevice(@TempDir Path stateDir, Vertx vertx) throws Exception {
        String yaml = TestRelay.yaml(stateDir, "").replace("  acme:\n",
                "  acme:\n    limits: {maxSessionsPerDevice: 1}\n");
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
                SsePeer oldest = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
            oldest.initialize(TestRelay.TOKEN);
            try (SsePeer newest = SsePeer.open(relay.port(), TestRelay.TOKEN)) {
                newest.initialize(TestRelay.TOKEN);

                Await.until(vertx, oldest::ended);
                assertThat(oldest.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(404);
                assertThat(newest.post(TestRelay.TOKEN, PING).statusCode()).isEqualTo(202);
                assertThat(newest.next().path("id").asInt()).isEqualTo(7);
            }
        }
    }
}
