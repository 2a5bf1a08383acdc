package dev.xiaozhi.relay.upstream;

import static dev.xiaozhi.relay.support.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FreePorts;
import dev.xiaozhi.relay.support.NodePeers;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the prompts and resources of {@code @modelcontextprotocol/server-everything} reach a WebSocket
 * device through the relay: one instance as a prefixed stdio target ({@code local}), one as a Streamable HTTP target
 * with {@code prefix: never} ({@code plain}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(120_000)
class PromptsAndResourcesIT {

    private static final String GUEST_TOKEN = "xzr_test-token-guest";
    private static final long NOTIFICATION_WAIT_MS = 60_000;
    private static final String LOCAL_DOC = "relay://local/demo://resource/static/document/features.md";

    private static Process http;
    private static TestRelay relay;

    @BeforeAll
    static void start(@TempDir Path stateDir) throws Exception {
        Path script = NodePeers.serverEverything();
        int port = FreePorts.take(1)[0];
        http = NodePeers.serveEverything("streamableHttp", port);
        String yaml = """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  local: {type: stdio, command: node, args: ["%s", stdio]}
                  plain: {type: http, url: "http://127.0.0.1:%d/mcp", prefix: never}
                tenants:
                  acme: {limits: {maxSessionsPerDevice: 0}, devices: {kitchen: {tokenHash: "%s"}}}
                  guest:
                    denyPrompts: ["local___*"]
                    denyResources: ["relay://local/*"]
                    devices: {hall: {tokenHash: "%s"}}
                """.formatted(stateDir, script, port, TokenHash.ofPlain(TestRelay.TOKEN),
                TokenHash.ofPlain(GUEST_TOKEN));
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (http != null) {
            http.destroy();
            http.waitFor();
        }
    }

    /**
     * Verifies that prompts are listed under {@code <target>___<prompt>} (plain under {@code never}) with their
     * arguments, and that a prompt is got from its own target by its own name.
     */
    @Test
    void listsAndGetsPromptsOfEveryTarget(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);

        JsonNode prompts = device.exchange(request("1", "prompts/list", "{}")).at("/result/prompts");
        JsonNode local = device.exchange(request("2", "prompts/get",
                "{\"name\":\"local___args-prompt\",\"arguments\":{\"city\":\"Paris\"}}"));
        JsonNode plain = device.exchange(request("3", "prompts/get", "{\"name\":\"simple-prompt\"}"));
        JsonNode unknown = device.exchange(request("4", "prompts/get", "{\"name\":\"local___nope\"}"));
        JsonNode upstreamError = device.exchange(request("5", "prompts/get",
                "{\"name\":\"local___args-prompt\",\"arguments\":{}}"));

        assertThat(names(prompts, "name")).contains("local___simple-prompt", "local___args-prompt", "simple-prompt",
                "args-prompt");
        assertThat(entry(prompts, "name", "local___args-prompt").at("/arguments/0/name").asText()).isEqualTo("city");
        assertThat(local.at("/result/messages/0/content/text").asText()).contains("Paris");
        assertThat(plain.at("/result/messages/0/content/text").asText()).isNotBlank();
        assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(upstreamError.at("/error/code").asInt()).as("the server's own error").isEqualTo(-32602);
    }

    /**
     * Verifies that resources and templates are listed under {@code relay://<target>/<uri>} for a prefixed target
     * and untouched under {@code never}, and that reads of listed URIs and of template expansions reach their own
     * target, the contents' URIs namespaced back.
     */
    @Test
    void listsAndReadsResourcesOfEveryTarget(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);

        JsonNode resources = device.exchange(request("1", "resources/list", "{}")).at("/result/resources");
        JsonNode templates = device.exchange(request("2", "resources/templates/list", "{}"))
                .at("/result/resourceTemplates");
        JsonNode listed = device.exchange(request("3", "resources/read", "{\"uri\":\"" + LOCAL_DOC + "\"}"));
        JsonNode expanded = device.exchange(request("4", "resources/read",
                "{\"uri\":\"relay://local/demo://resource/dynamic/text/3\"}"));
        JsonNode own = device.exchange(request("5", "resources/read",
                "{\"uri\":\"demo://resource/dynamic/text/4\"}"));
        JsonNode missing = device.exchange(request("6", "resources/read", "{\"uri\":\"relay://nowhere/x\"}"));

        assertThat(names(resources, "uri")).contains(LOCAL_DOC, "demo://resource/static/document/features.md");
        assertThat(entry(resources, "uri", LOCAL_DOC).get("mimeType").asText()).isNotBlank();
        assertThat(names(templates, "uriTemplate")).contains("relay://local/demo://resource/dynamic/text/{resourceId}",
                "demo://resource/dynamic/text/{resourceId}");
        assertThat(listed.at("/result/contents/0/uri").asText()).isEqualTo(LOCAL_DOC);
        assertThat(listed.at("/result/contents/0/text").asText()).contains("Everything Server");
        assertThat(expanded.at("/result/contents/0/uri").asText())
                .isEqualTo("relay://local/demo://resource/dynamic/text/3");
        assertThat(own.at("/result/contents/0/uri").asText()).isEqualTo("demo://resource/dynamic/text/4");
        assertThat(missing.at("/error/code").asInt()).isEqualTo(-32002);
    }

    /** Verifies that a tenant's prompt and resource patterns filter lists and requests alike. */
    @Test
    void filtersPromptsAndResourcesByPolicy(Vertx vertx) throws Exception {
        TestSocket guest = connected(vertx, GUEST_TOKEN);

        JsonNode prompts = guest.exchange(request("1", "prompts/list", "{}")).at("/result/prompts");
        JsonNode resources = guest.exchange(request("2", "resources/list", "{}")).at("/result/resources");
        JsonNode templates = guest.exchange(request("3", "resources/templates/list", "{}"))
                .at("/result/resourceTemplates");
        JsonNode hiddenPrompt = guest.exchange(request("4", "prompts/get", "{\"name\":\"local___simple-prompt\"}"));
        JsonNode hiddenRead = guest.exchange(request("5", "resources/read", "{\"uri\":\"" + LOCAL_DOC + "\"}"));
        JsonNode hiddenExpansion = guest.exchange(request("6", "resources/read",
                "{\"uri\":\"relay://local/demo://resource/dynamic/text/3\"}"));

        assertThat(names(prompts, "name")).contains("simple-prompt").noneMatch(name -> name.startsWith("local___"));
        assertThat(names(resources, "uri")).isNotEmpty().noneMatch(uri -> uri.startsWith("relay://local/"));
        assertThat(names(templates, "uriTemplate")).isNotEmpty().noneMatch(uri -> uri.startsWith("relay://"));
        assertThat(hiddenPrompt.at("/error/code").asInt()).isEqualTo(-32602);
        assertThat(hiddenRead.at("/error/code").asInt()).isEqualTo(-32002);
        assertThat(hiddenExpansion.at("/error/code").asInt()).isEqualTo(-32002);
    }

    /** Verifies that the targets' own fields of tools, prompts and resources reach the device untouched. */
    @Test
    void carriesTheTargetsOwnFieldsThrough(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);

        JsonNode tools = device.exchange(request("1", "tools/list", "{}")).at("/result/tools");

        JsonNode structured = entry(tools, "name", "local___get-structured-content");
        assertThat(structured.at("/outputSchema/type").asText()).isEqualTo("object");
        assertThat(structured.get("inputSchema")).isEqualTo(entry(tools, "name", "get-structured-content")
                .get("inputSchema"));
    }

    /**
     * Verifies that initialize announces what the targets offer (prompts, resources with subscriptions, completions,
     * logging) and that a completion is asked of the prompt's own target under its own name.
     */
    @Test
    void announcesTheTargetsCapabilitiesAndRoutesCompletions(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);
        TestSocket late = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));

        JsonNode capabilities = late.initialize("2025-06-18").at("/result/capabilities");
        JsonNode completion = device.exchange(request("1", "completion/complete", "{\"ref\":{\"type\":"
                + "\"ref/prompt\",\"name\":\"local___completable-prompt\"},\"argument\":{\"name\":"
                + "\"department\",\"value\":\"Eng\"}}"));
        JsonNode unknown = device.exchange(request("2", "completion/complete", "{\"ref\":{\"type\":"
                + "\"ref/prompt\",\"name\":\"nope\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}"));

        assertThat(capabilities.at("/tools/listChanged").asBoolean()).isTrue();
        assertThat(capabilities.at("/prompts/listChanged").asBoolean()).isTrue();
        assertThat(capabilities.at("/resources/subscribe").asBoolean()).isTrue();
        assertThat(capabilities.at("/resources/listChanged").asBoolean()).isTrue();
        assertThat(capabilities.has("logging")).isTrue();
        assertThat(capabilities.has("completions")).isTrue();
        assertThat(completion.at("/result/completion/values").toString()).contains("Engineering");
        assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32602);
    }

    /**
     * Verifies that a session that set a log level gets the target's log messages at or above it although another
     * session asked the server for more, and a session that set none gets none.
     */
    @Test
    void forwardsLogMessagesToSessionsByTheirOwnLevel(Vertx vertx) throws Exception {
        TestSocket listening = connected(vertx, TestRelay.TOKEN);
        TestSocket verbose = connected(vertx, TestRelay.TOKEN);
        TestSocket quiet = connected(vertx, TestRelay.TOKEN);

        JsonNode set = listening.exchange(request("1", "logging/setLevel", "{\"level\":\"warning\"}"));
        verbose.exchange(request("1", "logging/setLevel", "{\"level\":\"debug\"}"));
        JsonNode bad = listening.exchange(request("2", "logging/setLevel", "{\"level\":\"loud\"}"));
        listening.exchange(request("3", "tools/call", "{\"name\":\"local___toggle-simulated-logging\"}"));
        try {
            List<JsonNode> messages = new ArrayList<>();
            while (messages.size() < 3) {
                messages.add(notification(listening, "notifications/message"));
            }

            assertThat(set.get("result").isEmpty()).isTrue();
            assertThat(bad.at("/error/code").asInt()).isEqualTo(-32602);
            assertThat(messages).extracting(m -> m.at("/params/level").asText())
                    .allMatch(level -> List.of("warning", "error", "critical", "alert", "emergency").contains(level));
            assertThat(notification(verbose, "notifications/message").at("/params/level").asText()).isNotBlank();
            assertThat(quiet.exchange(request("4", "ping", null)).has("result")).isTrue();
            assertThat(quiet.nothingPending()).as("no log message for a session without a level").isTrue();
        } finally {
            listening.exchange(request("5", "tools/call", "{\"name\":\"local___toggle-simulated-logging\"}"));
        }
    }

    /**
     * Verifies that resource updates reach the sessions that subscribed, under their catalog URI, and no other; and
     * that one subscriber leaving leaves the other's subscription in place (the upstream one is counted).
     */
    @Test
    void fansResourceUpdatesOutToSubscribersOnly(Vertx vertx) throws Exception {
        String uri = "relay://local/demo://resource/dynamic/text/1";
        TestSocket first = connected(vertx, TestRelay.TOKEN);
        TestSocket second = connected(vertx, TestRelay.TOKEN);
        TestSocket bystander = connected(vertx, TestRelay.TOKEN);

        JsonNode subscribed = first.exchange(request("1", "resources/subscribe", "{\"uri\":\"" + uri + "\"}"));
        second.exchange(request("1", "resources/subscribe", "{\"uri\":\"" + uri + "\"}"));
        JsonNode unknown = first.exchange(request("2", "resources/subscribe", "{\"uri\":\"relay://nowhere/x\"}"));
        first.exchange(request("3", "tools/call", "{\"name\":\"local___toggle-subscriber-updates\"}"));
        try {
            JsonNode update = notification(first, "notifications/resources/updated");
            JsonNode alsoUpdated = notification(second, "notifications/resources/updated");
            first.exchange(request("4", "resources/unsubscribe", "{\"uri\":\"" + uri + "\"}"));

            assertThat(subscribed.get("result").isEmpty()).isTrue();
            assertThat(unknown.at("/error/code").asInt()).isEqualTo(-32002);
            assertThat(update.at("/params/uri").asText()).isEqualTo(uri);
            assertThat(alsoUpdated.at("/params/uri").asText()).isEqualTo(uri);
            assertThat(notification(second, "notifications/resources/updated").at("/params/uri").asText())
                    .as("the second subscriber still follows").isEqualTo(uri);
            assertThat(bystander.exchange(request("5", "ping", null)).has("result")).isTrue();
            assertThat(bystander.nothingPending()).as("no update for a session that did not subscribe").isTrue();
        } finally {
            first.exchange(request("6", "tools/call", "{\"name\":\"local___toggle-subscriber-updates\"}"));
        }
    }

    /** The next notification of a method, skipping others, within {@value #NOTIFICATION_WAIT_MS} ms. */
    private static JsonNode notification(TestSocket device, String method) throws Exception {
        return device.nextNotification(method, NOTIFICATION_WAIT_MS);
    }

    /** A device session, once both targets are ready (their tools listed: the guest sees no local prompts). */
    private static TestSocket connected(Vertx vertx, String token) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(token));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> names(device.exchange(request("\"t\"", "tools/list", "{}"))
                .at("/result/tools"), "name").containsAll(List.of("local___echo", "echo")) && names(device.exchange(
                request("\"r\"", "resources/templates/list", "{}")).at("/result/resourceTemplates"), "uriTemplate")
                .size() >= 2);
        return device;
    }

    private static List<String> names(JsonNode list, String key) {
        List<String> names = new ArrayList<>();
        list.forEach(item -> names.add(item.path(key).asText()));
        return names;
    }

    private static JsonNode entry(JsonNode list, String key, String value) {
        for (JsonNode item : list) {
            if (item.path(key).asText().equals(value)) {
                return item;
            }
        }
        throw new AssertionError("no " + key + " " + value + " in " + list);
    }
}
