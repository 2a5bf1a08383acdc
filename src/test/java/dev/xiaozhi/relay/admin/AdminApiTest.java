package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.config.AuthFailuresConfig;
import dev.xiaozhi.relay.config.DashboardConfig;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Verifies the admin API over real HTTP: every route, authentication, validation, audit and its OpenAPI document. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class AdminApiTest {

    @TempDir
    Path stateDir;
    private TestRelay relay;
    private AdminClient admin;
    private ListAppender<ILoggingEvent> audit;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        relay = TestRelay.start(stateDir, "");
        admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
        audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).addAppender(audit);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Audit.LOGGER)).detachAppender(audit);
        relay.close();
    }

    /** Verifies tenant create, get, list with pages, update, disable and idempotent delete. */
    @Test
    void managesTenants() throws Exception {
        HttpResponse<Buffer> created = admin.post("/tenants", new JsonObject().put("id", "beta").put("name", "Beta")
                .put("limits", new JsonObject().put("maxDevices", 5))
                .put("policy", new JsonObject().put("allowTargets", new JsonArray().add("calc*"))));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.bodyAsJsonObject().getJsonObject("limits").getInteger("maxDevices")).isEqualTo(5);
        assertThat(admin.post("/tenants", new JsonObject().put("id", "beta")).statusCode()).isEqualTo(409);

        JsonObject first = admin.get("/tenants?limit=2").bodyAsJsonObject();
        assertThat(first.getJsonArray("items").stream().map(t -> ((JsonObject) t).getString("id")))
                .containsExactly("acme", "beta");
        JsonObject second = admin.get("/tenants?limit=2&cursor=" + first.getString("next")).bodyAsJsonObject();
        assertThat(second.getJsonArray("items").stream().map(t -> ((JsonObject) t).getString("id")))
                .containsExactly("limited");
        assertThat(second.getString("next")).isNull();

        HttpResponse<Buffer> patched = admin.send(HttpMethod.PATCH, "/tenants/beta",
                new JsonObject().put("name", "Beta Ltd"));
        assertThat(patched.bodyAsJsonObject().getString("name")).isEqualTo("Beta Ltd");
        assertThat(patched.bodyAsJsonObject().getJsonObject("policy").getJsonArray("allowTargets"))
                .containsExactly("calc*");
        JsonObject narrowed = admin.send(HttpMethod.PATCH, "/tenants/beta", new JsonObject().put("policy",
                new JsonObject().put("denyPrompts", new JsonArray().add("*___secret*"))
                        .put("allowResources", new JsonArray().add("relay://docs/*")))).bodyAsJsonObject()
                .getJsonObject("policy");
        assertThat(narrowed.getJsonArray("allowTargets")).containsExactly("calc*");
        assertThat(narrowed.getJsonArray("allowPrompts")).containsExactly("*");
        assertThat(narrowed.getJsonArray("denyPrompts")).containsExactly("*___secret*");
        assertThat(narrowed.getJsonArray("allowResources")).containsExactly("relay://docs/*");
        assertThat(narrowed.getJsonArray("denyResources")).isEmpty();
        assertThat(admin.post("/tenants/beta/disable", null).bodyAsJsonObject().getString("status"))
                .isEqualTo("disabled");
        assertThat(admin.get("/tenants/beta").bodyAsJsonObject().getString("status")).isEqualTo("disabled");
        assertThat(admin.send(HttpMethod.DELETE, "/tenants/beta", null).statusCode()).isEqualTo(204);
        assertThat(admin.send(HttpMethod.DELETE, "/tenants/beta", null).statusCode()).isEqualTo(204);
        assertThat(admin.get("/tenants/beta").statusCode()).isEqualTo(404);
        assertThat(admin.get("/tenants/acme").bodyAsJsonObject().getBoolean("fromConfig")).isTrue();
        HttpResponse<Buffer> plain = admin.post("/tenants", new JsonObject().put("id", "gamma"));
        assertThat(plain.statusCode()).isEqualTo(201);
        assertThat(plain.bodyAsJsonObject().getJsonObject("policy").getJsonArray("allowPrompts")).containsExactly("*");
        assertThat(plain.bodyAsJsonObject().getJsonObject("policy").getJsonArray("denyResources")).isEmpty();
    }

    /** Verifies device create (token once), get, list, update, rotate, revoke and idempotent delete. */
    @Test
    void managesDevices(Vertx vertx) throws Exception {
        HttpResponse<Buffer> created = admin.post("/tenants/acme/devices", new JsonObject().put("id", "attic")
                .put("endpoint", "wss://api.xiaozhi.me/mcp/?token=secret-endpoint-token"));
        assertThat(created.statusCode()).isEqualTo(201);
        String token = created.bodyAsJsonObject().getString("token");
        assertThat(token).startsWith("xzr_").hasSize(47);
        assertThat(created.bodyAsJsonObject().getString("url")).isEqualTo(relay.url(token));
        assertThat(created.bodyAsJsonObject().getJsonObject("device").getBoolean("hasEndpoint")).isTrue();

        JsonObject device = admin.get("/tenants/acme/devices/attic").bodyAsJsonObject();
        assertThat(device.encode()).doesNotContain(token).doesNotContain("secret-endpoint-token")
                .doesNotContain("sha256");
        assertThat(admin.get("/tenants/acme/devices").bodyAsJsonObject().getJsonArray("items").stream()
                .map(d -> ((JsonObject) d).getString("id"))).containsExactly("attic", "kitchen");
        assertThat(admin.get("/tenants/nobody/devices").statusCode()).isEqualTo(404);
        JsonObject patched = admin.send(HttpMethod.PATCH, "/tenants/acme/devices/attic", new JsonObject()
                .put("name", "Attic").put("endpoint", "")).bodyAsJsonObject();
        assertThat(patched.getString("name")).isEqualTo("Attic");
        assertThat(patched.getBoolean("hasEndpoint")).isFalse();

        TestSocket.connect(vertx, relay.url(token)).initialize("2024-11-05");
        assertThat(admin.get("/tenants/acme/devices/attic").bodyAsJsonObject().getString("lastSeenAt")).isNotNull();
        JsonObject rotated = admin.post("/tenants/acme/devices/attic/rotate", new JsonObject()
                .put("graceSeconds", 60)).bodyAsJsonObject();
        assertThat(rotated.getString("token")).startsWith("xzr_").isNotEqualTo(token);
        assertThat(rotated.getJsonObject("device").getString("previousTokenValidUntil")).isNotNull();
        assertThat(admin.post("/tenants/acme/devices/attic/revoke", null).bodyAsJsonObject().getString("status"))
                .isEqualTo("disabled");
        assertThat(admin.send(HttpMethod.DELETE, "/tenants/acme/devices/attic", null).statusCode()).isEqualTo(204);
        assertThat(admin.send(HttpMethod.DELETE, "/tenants/acme/devices/attic", null).statusCode()).isEqualTo(204);
        assertThat(admin.get("/tenants/acme/devices/attic").statusCode()).isEqualTo(404);
        assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(line -> assertThat(line)
                .contains("actor: ops, action: device.create, subject: acme/attic"))
                .allSatisfy(line -> assertThat(line).doesNotContain(token).doesNotContain("secret-endpoint"));
        assertThat(audit.list).hasSize(6);
    }

    /** Verifies the node's live sessions, pipes and targets with breaker state and tool counts. */
    @Test
    void showsWhatTheNodeRuns(Vertx vertx) throws Exception {
        TestSocket.connect(vertx, relay.url(TestRelay.TOKEN)).initialize("2024-11-05");

        JsonArray sessions = admin.get("/sessions").bodyAsJsonObject().getJsonArray("items");
        JsonArray targets = admin.get("/targets").bodyAsJsonObject().getJsonArray("items");

        assertThat(sessions).hasSize(1);
        assertThat(sessions.getJsonObject(0).getString("device")).isEqualTo("kitchen");
        assertThat(targets.stream().map(t -> ((JsonObject) t).getString("name") + ":"
                + ((JsonObject) t).getString("circuit") + ":" + ((JsonObject) t).getInteger("tools")))
                .containsExactly("calculator:closed:1", "diagnostics:closed:2");
        assertThat(admin.get("/pipes").bodyAsJsonObject().getJsonArray("items")).isEmpty();
    }

    /** Verifies 401 without a valid token, 403 for a reader that writes, and that readers may read. */
    @Test
    void tellsUnauthenticatedFromForbidden(Vertx vertx) throws Exception {
        HttpResponse<Buffer> anonymous = new AdminClient(vertx, relay.adminPort(), null).get("/tenants");
        HttpResponse<Buffer> wrong = new AdminClient(vertx, relay.adminPort(), "xzr_wrong").get("/tenants");
        AdminClient reader = new AdminClient(vertx, relay.adminPort(), TestRelay.READER_TOKEN);

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.getHeader("WWW-Authenticate")).startsWith("Bearer");
        assertThat(anonymous.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(reader.get("/tenants").statusCode()).isEqualTo(200);
        HttpResponse<Buffer> forbidden = reader.post("/tenants", new JsonObject().put("id", "x"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
        assertThat(admin.get("/tenants/nobody").bodyAsJsonObject().getString("error")).isEqualTo("not_found");
    }

    /** Verifies field-level validation messages, bad JSON and unknown routes. */
    @Test
    void explainsInvalidInput() throws Exception {
        HttpResponse<Buffer> invalid = admin.post("/tenants", new JsonObject().put("id", "no spaces")
                .put("colour", "red").put("status", "sleeping")
                .put("limits", new JsonObject().put("maxDevices", -1))
                .put("policy", new JsonObject().put("allowTools", "calc*")));
        HttpResponse<Buffer> notJson = admin.post("/tenants", "{not json");
        HttpResponse<Buffer> badGrace = admin.post("/tenants/acme/devices/kitchen/rotate",
                new JsonObject().put("graceSeconds", "soon"));
        HttpResponse<Buffer> badEndpoint = admin.post("/tenants/acme/devices", new JsonObject().put("id", "x")
                .put("endpoint", "http://example.com"));

        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.bodyAsJsonObject().getJsonObject("fields").getMap()).containsOnlyKeys("id", "colour",
                "status", "limits.maxDevices", "policy.allowTools");
        assertThat(invalid.bodyAsJsonObject().getJsonObject("fields").getString("status"))
                .isEqualTo("expected active or disabled");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(badGrace.bodyAsJsonObject().getJsonObject("fields").getString("graceSeconds"))
                .startsWith("expected an integer");
        assertThat(badEndpoint.bodyAsJsonObject().getJsonObject("fields").getString("endpoint"))
                .isEqualTo("expected a ws:// or wss:// URL");
        assertThat(admin.get("/tenants?limit=0").statusCode()).isEqualTo(422);
        assertThat(admin.get("/nothing").statusCode()).isEqualTo(404);
    }

    /** Verifies that the OpenAPI document is served, valid, and lists exactly the routes the API has. */
    @Test
    void documentsEveryRoute(Vertx vertx) throws Exception {
        HttpResponse<Buffer> served = new AdminClient(vertx, relay.adminPort(), null).get("/openapi.yaml");
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.bodyAsString());

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(parsed.getMessages()).isEmpty();
        Set<String> documented = new TreeSet<>();
        parsed.getOpenAPI().getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method + " " + path)));
        Set<String> routed = new TreeSet<>();
        List<Route> routes = new AdminApi(List.of(), new AuthThrottle(AuthFailuresConfig.DEFAULT),
                new TenantRoutes(null), new DeviceRoutes(null, Duration.ZERO, token -> token),
                new ProviderRoutes(null, Duration.ZERO), new NodeRoutes(null, null), new FleetRoutes(null, null))
                .router(vertx, new DashboardSessions(DashboardConfig.DEFAULTS)).getRoutes();
        for (Route route : routes) {
            if (route.getPath() != null && route.methods() != null) {
                route.methods().forEach(method -> routed.add(method.name().toUpperCase(Locale.ROOT) + " "
                        + route.getPath().replaceAll(":([a-z]+)", "{$1}")));
            }
        }
        assertThat(documented).isEqualTo(routed).hasSize(24);
    }
}
