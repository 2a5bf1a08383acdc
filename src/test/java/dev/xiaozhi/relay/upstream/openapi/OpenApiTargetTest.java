package dev.xiaozhi.relay.upstream.openapi;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeSecretsManager;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies {@code openapi} targets end to end: a device calls the seed's football tools through the relay, which
 * reaches a real REST API on loopback with the key injected; API failures, deadlines, missing secrets, tenant keys
 * and the private-network guard.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class OpenApiTargetTest {

    private static final String API_KEY = "rapid-key-7f3a9c";
    private static final String TENANT_KEY = "tenant-own-key-51d0";
    private static final String SM_KEY = "secrets-manager-key-9b27";
    private static final String FOOTBALL_SPEC = Path.of("conf/openapi/football.yaml").toAbsolutePath().toString();

    private static Vertx apiVertx;
    private static HttpServer api;
    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    private static LogCapture logs;
    private static FakeSecretsManager secretsManager;
    private static TestRelay relay;

    /** A request the API received. */
    private record Seen(String path, MultiMap query, MultiMap headers) {
    }

    @BeforeAll
    static void start(@TempDir Path stateDir) throws Exception {
        logs = LogCapture.start();
        apiVertx = Vertx.vertx();
        Router router = Router.router(apiVertx);
        router.get("/v3/standings").handler(ctx -> {
            SEEN.add(new Seen(ctx.request().path(), ctx.queryParams(), ctx.request().headers()));
            switch (ctx.queryParams().get("league")) {
                case "429" -> ctx.response().setStatusCode(429).end("{\"message\":\"Too many requests\"}");
                case "500" -> ctx.response().setStatusCode(500).end("upstream exploded");
                case "1" -> { } // never answers
                case "301" -> redirect(ctx, 301, "/v3/standings?league=41&season=2025");
                case "302" -> redirect(ctx, 302, "http://localhost:" + ctx.request().localAddress().port()
                        + "/v3/standings?league=42&season=2025");
                case "303" -> redirect(ctx, 303, "/v3/standings?league=303&season=2025");
                default -> ctx.response().putHeader("Content-Type", "application/json")
                        .end("{\"results\":1,\"response\":[{\"league\":{\"id\":" + ctx.queryParams().get("league")
                                + ",\"standings\":[[{\"rank\":1,\"team\":{\"name\":\"Arsenal\"}}]]}}]}");
            }
        });
        api = apiVertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        Files.writeString(stateDir.resolve("other.key"), TENANT_KEY + "\n");
        System.setProperty("aws.accessKeyId", "AKIDRELAYTEST");
        System.setProperty("aws.secretAccessKey", "relay-test-secret-access-key");
        secretsManager = FakeSecretsManager.start().put("relay/football", "{\"apiKey\":\"" + SM_KEY + "\"}");
        String base = "http://127.0.0.1:" + api.actualPort() + "/v3";
        relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %1$s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                secrets: {awsRegion: us-west-2, awsEndpoint: "%6$s"}
                targets:
                  football:
                    type: openapi
                    spec: %2$s
                    baseUrl: %3$s
                    allowPrivateNetwork: true
                    identityHeaders: true
                    timeout: 1s
                    breaker: {maxFailures: 100}
                    headers: {x-rapidapi-host: api-football-v1.p.rapidapi.com}
                    auth: {type: apiKey, in: header, name: x-rapidapi-key, value: "${env:RAPIDAPI_KEY}"}
                  nokey:
                    type: openapi
                    spec: %2$s
                    baseUrl: %3$s
                    allowPrivateNetwork: true
                    auth: {type: apiKey, in: header, name: x-rapidapi-key, value: "${env:UNSET_FOOTBALL_KEY}"}
                  guarded:
                    type: openapi
                    spec: %2$s
                    baseUrl: %3$s
                  stored:
                    type: openapi
                    spec: %2$s
                    baseUrl: %3$s
                    allowPrivateNetwork: true
                    auth: {type: apiKey, in: header, name: x-rapidapi-key, value: "${aws-sm:relay/football#apiKey}"}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%4$s"}}}
                  other:
                    credentials:
                      football: {type: apiKey, in: query, name: key, value: "${file:other.key}"}
                    devices: {hall: {tokenHash: "%5$s"}}
                """.formatted(stateDir, FOOTBALL_SPEC, base, TokenHash.ofPlain(TestRelay.TOKEN),
                TokenHash.ofPlain(TestRelay.LIMITED_TOKEN), secretsManager.endpoint()), stateDir,
                Map.of("RAPIDAPI_KEY", API_KEY)));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        apiVertx.close().await(10, TimeUnit.SECONDS);
        logs.close();
        secretsManager.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** Verifies that the seed's call reaches GET /standings?league=39&season=2025 with the key and host injected. */
    @Test
    void callsTheApiWithTheInjectedKey(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);
        SEEN.clear();

        JsonNode reply = device.exchange(call(1, "football___getStandings", "{\"league\":39,\"season\":2025}"));

        assertThat(reply.at("/result/isError").asBoolean()).isFalse();
        assertThat(reply.at("/result/structuredContent/response/0/league/id").asInt()).isEqualTo(39);
        assertThat(text(reply)).startsWith("{\"results\":1,\"response\":[{\"league\":{\"id\":39,");
        Seen seen = SEEN.get(0);
        assertThat(seen.path()).isEqualTo("/v3/standings");
        assertThat(seen.query().get("league")).isEqualTo("39");
        assertThat(seen.query().get("season")).isEqualTo("2025");
        assertThat(seen.headers().get("x-rapidapi-key")).isEqualTo(API_KEY);
        assertThat(seen.headers().get("x-rapidapi-host")).isEqualTo("api-football-v1.p.rapidapi.com");
        assertThat(seen.headers().get("X-Relay-Tenant")).isEqualTo("acme");
        assertThat(seen.headers().get("X-Relay-Device")).isEqualTo("kitchen");
    }

    /** Verifies that 429 and 500 answers are tool errors with the status, and a silent API hits the deadline. */
    @Test
    void turnsApiFailuresIntoToolErrors(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);

        JsonNode limited = device.exchange(call(1, "football___getStandings", "{\"league\":429,\"season\":2025}"));
        JsonNode failed = device.exchange(call(2, "football___getStandings", "{\"league\":500,\"season\":2025}"));
        JsonNode slow = device.exchange(call(3, "football___getStandings", "{\"league\":1,\"season\":2025}"));
        JsonNode missing = device.exchange(call(4, "football___getStandings", "{\"league\":39}"));

        assertThat(limited.at("/result/isError").asBoolean()).isTrue();
        assertThat(text(limited)).isEqualTo("HTTP 429 Too Many Requests: {\"message\":\"Too many requests\"}");
        assertThat(text(failed)).isEqualTo("HTTP 500 Internal Server Error: upstream exploded");
        assertThat(text(slow)).isEqualTo("football did not answer within 1 s");
        assertThat(text(missing)).isEqualTo("missing required argument 'season'");
    }

    /**
     * Verifies that an API's 4xx answers, more than {@code breaker.maxFailures} (5 by default) of them, leave its
     * circuit closed: the API answered, so it is alive.
     */
    @Test
    void keepsTheCircuitClosedOnClientErrorAnswers(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);

        for (int id = 1; id <= 7; id++) {
            assertThat(text(device.exchange(call(id, "stored___getStandings", "{\"league\":429,\"season\":2025}"))))
                    .startsWith("HTTP 429 Too Many Requests");
        }
        JsonNode answered = device.exchange(call(8, "stored___getStandings", "{\"league\":39,\"season\":2025}"));

        assertThat(answered.at("/result/isError").asBoolean()).isFalse();
        assertThat(relay.node().metrics().targets().get("stored").circuit().get()).isEqualTo("closed");
    }

    /**
     * Verifies that redirects are followed up to the limit, and that the key is not sent to another origin.
     */
    @Test
    void followsRedirectsWithoutCarryingTheKeyElsewhere(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);
        SEEN.clear();

        JsonNode sameOrigin = device.exchange(call(1, "football___getStandings", "{\"league\":301,\"season\":2025}"));
        JsonNode otherOrigin = device.exchange(call(2, "football___getStandings",
                "{\"league\":302,\"season\":2025}"));
        JsonNode endless = device.exchange(call(3, "football___getStandings", "{\"league\":303,\"season\":2025}"));

        assertThat(sameOrigin.at("/result/structuredContent/response/0/league/id").asInt()).isEqualTo(41);
        assertThat(otherOrigin.at("/result/structuredContent/response/0/league/id").asInt()).isEqualTo(42);
        assertThat(SEEN).filteredOn(seen -> seen.query().get("league").equals("41")).singleElement()
                .satisfies(seen -> assertThat(seen.headers().get("x-rapidapi-key")).isEqualTo(API_KEY));
        assertThat(SEEN).filteredOn(seen -> seen.query().get("league").equals("42")).singleElement()
                .satisfies(seen -> assertThat(seen.headers().get("x-rapidapi-key")).isNull());
        assertThat(text(endless)).startsWith("HTTP 303 See Other");
        assertThat(SEEN).filteredOn(seen -> seen.query().get("league").equals("303")).hasSize(4);
    }

    /** Verifies that a tenant's own key replaces the target's, here in the query string. */
    @Test
    void usesATenantsOwnKey(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.LIMITED_TOKEN);
        SEEN.clear();

        JsonNode reply = device.exchange(call(1, "football___getStandings", "{\"league\":78,\"season\":2025}"));

        assertThat(reply.at("/result/isError").asBoolean()).isFalse();
        assertThat(SEEN.get(0).query().get("key")).isEqualTo(TENANT_KEY);
        assertThat(SEEN.get(0).headers().get("x-rapidapi-key")).isNull();
    }

    /** Verifies that a key kept in AWS Secrets Manager is read through the SDK and injected. */
    @Test
    void injectsAKeyFromSecretsManager(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);
        SEEN.clear();

        JsonNode reply = device.exchange(call(1, "stored___getStandings", "{\"league\":39,\"season\":2025}"));

        assertThat(reply.at("/result/isError").asBoolean()).isFalse();
        assertThat(SEEN.get(0).headers().get("x-rapidapi-key")).isEqualTo(SM_KEY);
        assertThat(secretsManager.received()).extracting(FakeSecretsManager.Received::secretId)
                .contains("relay/football");
    }

    /**
     * Verifies that a missing secret fails only its target's calls, with an error naming the reference, and that a
     * loopback base URL is refused without allowPrivateNetwork.
     */
    @Test
    void refusesCallsWithoutTheirSecretOrToPrivateAddresses(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);

        JsonNode noKey = device.exchange(call(1, "nokey___getStandings", "{\"league\":39,\"season\":2025}"));
        JsonNode guarded = device.exchange(call(2, "guarded___getStandings", "{\"league\":39,\"season\":2025}"));

        assertThat(noKey.at("/result/isError").asBoolean()).isTrue();
        assertThat(text(noKey)).isEqualTo("nokey cannot authenticate: secret ${env:UNSET_FOOTBALL_KEY} is not set");
        assertThat(guarded.at("/result/isError").asBoolean()).isTrue();
        assertThat(text(guarded)).contains("private network address").contains("allowPrivateNetwork: true");
    }

    /** Verifies that the secrets appear nowhere: not in the catalog, replies or any log line. */
    @Test
    void neverShowsTheSecrets(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx, TestRelay.TOKEN);
        String catalog = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}").toString();
        String replies = device.exchange(call(1, "football___getStandings", "{\"league\":500,\"season\":2025}"))
                .toString() + device.exchange(call(2, "football___getFixtures", "{\"season\":2025}")).toString()
                + device.exchange(call(3, "stored___getStandings", "{\"league\":39,\"season\":2025}")).toString();

        assertThat(catalog).contains("football___getStandings").contains("Premier League 39")
                .doesNotContain(API_KEY);
        assertThat(replies).doesNotContain(API_KEY).doesNotContain(TENANT_KEY).doesNotContain(SM_KEY);
        assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(API_KEY) || line.contains(TENANT_KEY)
                || line.contains(SM_KEY));
    }

    private static void redirect(RoutingContext ctx, int status, String location) {
        ctx.response().setStatusCode(status).putHeader("Location", location).end();
    }

    private static TestSocket connected(Vertx vertx, String token) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(token));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                .at("/result/tools").size() == 8);
        return device;
    }
}
