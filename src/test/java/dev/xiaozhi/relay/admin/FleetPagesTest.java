package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that a tenant's devices in the fleet view come page by page in id order, and that a search by id or name
 * finds them, over a tenant of a few thousand devices.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class FleetPagesTest {

    private static final int DEVICES = 3_000;

    @TempDir
    Path stateDir;
    private TestRelay relay;
    private AdminClient admin;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        StringBuilder devices = new StringBuilder("  fleet:\n    devices:\n");
        for (int i = 0; i < DEVICES; i++) {
            devices.append("      d%04d: {name: \"%s %d\", tokenHash: \"%s\"}\n".formatted(i,
                    i % 100 == 7 ? "Kitchen" : "Device", i, TokenHash.ofPlain("xzr_fleet-" + i)));
        }
        String yaml = TestRelay.yaml(stateDir, "").replace("tenants:\n", "tenants:\n" + devices);
        long starting = System.nanoTime();
        relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()));
        System.out.printf("a relay with %d devices started in %d ms%n", DEVICES,
                (System.nanoTime() - starting) / 1_000_000);
        admin = new AdminClient(vertx, relay.adminPort(), TestRelay.READER_TOKEN);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
    }

    /**
     * Verifies that pages follow each other without gap or overlap, in id order, with the total; that the search
     * matches ids and names case-insensitively; and that the fleet counts the tenant's devices.
     */
    @Test
    void pagesAndSearchesThousandsOfDevices() throws Exception {
        admin.get("/fleet/tenants/fleet/devices?limit=1");
        long reading = System.nanoTime();
        JsonObject first = admin.get("/fleet/tenants/fleet/devices?limit=200").bodyAsJsonObject();
        long pageMs = (System.nanoTime() - reading) / 1_000_000;
        JsonObject second = admin.get("/fleet/tenants/fleet/devices?offset=200&limit=200").bodyAsJsonObject();
        JsonObject last = admin.get("/fleet/tenants/fleet/devices?offset=2990&limit=50").bodyAsJsonObject();
        reading = System.nanoTime();
        JsonObject byName = admin.get("/fleet/tenants/fleet/devices?q=kITCHEN&limit=10").bodyAsJsonObject();
        long searchMs = (System.nanoTime() - reading) / 1_000_000;
        JsonObject byId = admin.get("/fleet/tenants/fleet/devices?q=d29").bodyAsJsonObject();
        JsonObject fleet = admin.get("/fleet").bodyAsJsonObject();
        System.out.printf("a page of 200 of %d devices took %d ms, a search %d ms%n", DEVICES, pageMs, searchMs);

        assertThat(first.getInteger("total")).isEqualTo(DEVICES);
        assertThat(first.getInteger("limit")).isEqualTo(200);
        assertThat(ids(first)).hasSize(200).startsWith("d0000", "d0001").endsWith("d0199");
        assertThat(ids(second)).hasSize(200).startsWith("d0200").endsWith("d0399");
        assertThat(ids(last)).containsExactly("d2990", "d2991", "d2992", "d2993", "d2994", "d2995", "d2996",
                "d2997", "d2998", "d2999");
        assertThat(byName.getInteger("total")).isEqualTo(DEVICES / 100);
        assertThat(ids(byName)).hasSize(10).startsWith("d0007", "d0107");
        assertThat(byName.getJsonArray("devices").getJsonObject(0).getString("name")).isEqualTo("Kitchen 7");
        assertThat(byName.getJsonArray("devices").getJsonObject(0).getString("status")).isEqualTo("enabled");
        assertThat(byName.getJsonArray("devices").getJsonObject(0).getBoolean("online")).isFalse();
        assertThat(byId.getInteger("total")).isEqualTo(100);
        assertThat(fleet.getJsonArray("tenants").stream().map(JsonObject.class::cast)
                .filter(t -> "fleet".equals(t.getString("tenant"))).findFirst().orElseThrow().getInteger("devices"))
                .isEqualTo(DEVICES);
    }

    private static List<String> ids(JsonObject page) {
        return page.getJsonArray("devices").stream().map(d -> ((JsonObject) d).getString("device")).toList();
    }
}
