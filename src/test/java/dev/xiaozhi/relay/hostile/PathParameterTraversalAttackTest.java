package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #13: an {@code openapi} path parameter {@code id: ".."} was sent as {@code GET /items/..} with the API
 * key, so a server that removes dot segments answered another operation's path.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class PathParameterTraversalAttackTest {

    private static final String SPEC = """
            openapi: 3.0.3
            info: {title: Items, version: 1.0.0}
            paths:
              /items/{id}:
                get:
                  operationId: getItem
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string}}
                  responses: {'200': {description: the item}}
            """;

    @TempDir
    Path stateDir;

    /**
     * Verifies that dot segments in a path parameter are encoded, so the request stays on the operation's path.
     * GIVEN an openapi target for {@code GET /v1/items/{id}} with an API key
     * WHEN a device calls it with {@code id} {@code ..}, {@code .}, {@code %2e%2e} and {@code a/../b}
     * THEN every request the API receives is one segment below {@code /v1/items/}, no segment of it is a dot
     * segment, and a fair id is sent as is.
     */
    @Test
    void keepsPathParametersInsideTheOperationsPath(Vertx vertx) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer api = vertx.createHttpServer().requestHandler(request -> {
            seen.add(request.uri());
            request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        Path spec = Files.writeString(stateDir.resolve("items.yaml"), SPEC);
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %1$s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  items:
                    type: openapi
                    spec: %2$s
                    baseUrl: "http://127.0.0.1:%3$d/v1"
                    allowPrivateNetwork: true
                    auth: {type: apiKey, in: header, name: x-api-key, value: items-key-3c1f}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%4$s"}}}
                """.formatted(stateDir, spec, api.actualPort(), TokenHash.ofPlain(TestRelay.TOKEN)),
                stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                    .at("/result/tools").size() == 1);

            int id = 0;
            for (String hostile : List.of("..", ".", "%2e%2e", "a/../b", "...")) {
                JsonNode reply = device.exchange(call(++id, "items___getItem", "{\"id\":\"" + hostile + "\"}"));
                assertThat(reply.at("/result/isError").asBoolean()).as(hostile).isFalse();
            }
            JsonNode fair = device.exchange(call(++id, "items___getItem", "{\"id\":\"item-42.json\"}"));

            assertThat(seen).containsExactly("/v1/items/%2E%2E", "/v1/items/%2E", "/v1/items/%252e%252e",
                    "/v1/items/a%2F..%2Fb", "/v1/items/%2E%2E%2E", "/v1/items/item-42.json");
            assertThat(seen).allSatisfy(uri -> assertThat(uri.substring("/v1/items/".length()))
                    .doesNotContain("/").isNotIn(".", ".."));
            assertThat(text(fair)).isEqualTo("{\"ok\":true}");
        } finally {
            api.close().await(10, TimeUnit.SECONDS);
        }
    }
}
