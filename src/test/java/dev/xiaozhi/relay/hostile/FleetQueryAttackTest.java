package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's fleet view, asked what it should not answer: pages over the bound, negative or non-numeric offsets,
 * unknown tenants, devices and targets, names made of dots, a search built as a pattern, no token, and a reader
 * trying to change something there.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class FleetQueryAttackTest {

    @TempDir
    Path stateDir;
    private TestRelay relay;
    private AdminClient reader;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        relay = TestRelay.start(stateDir, "");
        reader = new AdminClient(vertx, relay.adminPort(), TestRelay.READER_TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    /** Verifies that a page larger than 200, or a bad offset, is refused with 422 and says which parameter. */
    @Test
    void refusesPagesOverTheBound() throws Exception {
        for (String query : new String[] {"limit=201", "limit=0", "limit=100000000000", "limit=ten", "offset=-1",
            "offset=2147483647"}) {
            var answer = reader.get("/fleet/tenants/acme/devices?" + query);
            assertThat(answer.statusCode()).as(query).isEqualTo(422);
            assertThat(answer.bodyAsJsonObject().getJsonObject("fields").fieldNames()).as(query)
                    .containsExactly(query.substring(0, query.indexOf('=')));
        }
        assertThat(reader.get("/fleet/tenants/acme/devices?limit=200").statusCode()).isEqualTo(200);
    }

    /** Verifies that what does not exist is 404, also when named with dots and encoded slashes. */
    @Test
    void answersUnknownNamesWithNotFound() throws Exception {
        for (String path : new String[] {"/fleet/tenants/nobody/devices", "/fleet/tenants/acme/devices/nobody",
            "/fleet/tenants/nobody/devices/kitchen", "/fleet/targets/nothing", "/fleet/tenants/..%2Facme/devices",
            "/fleet/tenants/%2e%2e/devices", "/fleet/targets/..%2Fcalculator"}) {
            var answer = reader.get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.bodyAsJsonObject().getString("error")).as(path).isEqualTo("not_found");
        }
    }

    /** Verifies that a search is a plain substring: a pattern matches nothing, and nothing is evaluated. */
    @Test
    void searchesLiterally() throws Exception {
        JsonObject pattern = reader.get("/fleet/tenants/acme/devices?q=.*").bodyAsJsonObject();
        JsonObject backtracking = reader.get("/fleet/tenants/acme/devices?q=" + "(a%2B)%2B".repeat(50) + "b")
                .bodyAsJsonObject();

        assertThat(pattern.getInteger("total")).isZero();
        assertThat(backtracking.getInteger("total")).isZero();
        assertThat(reader.get("/fleet/tenants/acme/devices?q=KITCH").bodyAsJsonObject().getInteger("total"))
                .isEqualTo(1);
    }

    /** Verifies that the fleet needs a token, and that a reader may not change anything through it. */
    @Test
    void needsATokenAndOnlyReads(Vertx vertx) throws Exception {
        AdminClient nobody = new AdminClient(vertx, relay.adminPort(), null);

        assertThat(nobody.get("/fleet").statusCode()).isEqualTo(401);
        assertThat(nobody.get("/fleet/events").statusCode()).isEqualTo(401);
        assertThat(reader.send(HttpMethod.POST, "/fleet", null).statusCode()).isEqualTo(403);
        assertThat(reader.send(HttpMethod.DELETE, "/fleet/tenants/acme/devices/kitchen", null).statusCode())
                .isEqualTo(403);
        assertThat(reader.get("/fleet").statusCode()).isEqualTo(200);
    }
}
