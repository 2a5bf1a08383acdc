package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.common.SpecialPurposeAddresses;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, #12: server-side request forgery past the destination guard of {@code openapi} targets. IPv6 literals
 * that embed a loopback or link-local IPv4 address ({@code [::127.0.0.1]}, NAT64 {@code [64:ff9b::a9fe:a9fe]}, 6to4),
 * Teredo, and IPv4 special-purpose blocks the guard did not know passed it; with {@code allowPrivateNetwork} a
 * redirect to {@code file:///etc/passwd} was followed to {@code localhost:80}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class DestinationGuardAttackTest {

    private static final String FOOTBALL_SPEC = Path.of("conf/openapi/football.yaml").toAbsolutePath().toString();
    private static final String ARGUMENTS = "{\"league\":39,\"season\":2025}";

    @TempDir
    Path stateDir;

    /** Verifies that every address of the special-purpose registries, embedded or not, counts as not public. */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "192.0.0.8", "192.0.2.1",
        "198.18.0.1", "198.19.255.254", "198.51.100.7", "203.0.113.9", "192.88.99.1", "224.0.0.1", "240.0.0.1",
        "255.255.255.255", "0.0.0.0", "::", "::1", "::127.0.0.1", "::a9fe:a9fe", "::ffff:127.0.0.1",
        "::ffff:0:7f00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::808:808", "2002:7f00:1::1",
        "2002:a9fe:a9fe::", "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:2::1", "2001:db8::1",
        "3fff::1", "100::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "5f00::1"})
    void refusesSpecialPurposeAddresses(String literal) throws Exception {
        assertThat(SpecialPurposeAddresses.isSpecial(InetAddress.getByName(literal))).isTrue();
    }

    /** Verifies that public addresses, embedded in a public form or not, still pass. */
    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "192.0.3.1", "198.20.0.1", "100.128.0.1", "2606:4700::1111",
        "64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4001::1"})
    void passesPublicAddresses(String literal) throws Exception {
        assertThat(SpecialPurposeAddresses.isSpecial(InetAddress.getByName(literal))).isFalse();
    }

    /**
     * Verifies the guard end to end, and that no redirect leaves http and https.
     * GIVEN an openapi target whose base URL is {@code [::127.0.0.1]}, and one allowed on private networks whose API
     * redirects to {@code file:}, {@code gopher:} and {@code ftp:} locations
     * WHEN a device calls them
     * THEN each call is a tool error naming the refusal, no second request is made, and a fair call still works.
     */
    @Test
    void refusesEmbeddedLoopbackAndNonHttpRedirects(Vertx vertx) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> locations = new CopyOnWriteArrayList<>(List.of("file:///etc/passwd", "gopher://127.0.0.1:70/x",
                "ftp://127.0.0.1/x"));
        HttpServer api = vertx.createHttpServer().requestHandler(request -> {
            seen.add(request.uri());
            if (locations.isEmpty()) {
                request.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}");
            } else {
                request.response().setStatusCode(302).putHeader("Location", locations.remove(0)).end();
            }
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse("""
                node: {stateDir: %1$s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                  embedded: {type: openapi, spec: %2$s, baseUrl: "http://[::127.0.0.1]:%3$d/v3"}
                  nat64: {type: openapi, spec: %2$s, baseUrl: "http://[64:ff9b::a9fe:a9fe]/v3"}
                  redirected:
                    type: openapi
                    spec: %2$s
                    baseUrl: "http://127.0.0.1:%3$d/v3"
                    allowPrivateNetwork: true
                    maxRedirects: 5
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%4$s"}}}
                """.formatted(stateDir, FOOTBALL_SPEC, api.actualPort(), TokenHash.ofPlain(TestRelay.TOKEN)),
                stateDir, Map.of()))) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2025-06-18");
            Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                    .at("/result/tools").size() == 6);

            JsonNode embedded = device.exchange(call(1, "embedded___getStandings", ARGUMENTS));
            JsonNode nat64 = device.exchange(call(2, "nat64___getStandings", ARGUMENTS));
            List<JsonNode> redirected = List.of(device.exchange(call(3, "redirected___getStandings", ARGUMENTS)),
                    device.exchange(call(4, "redirected___getStandings", ARGUMENTS)),
                    device.exchange(call(5, "redirected___getStandings", ARGUMENTS)));
            JsonNode fair = device.exchange(call(6, "redirected___getStandings", ARGUMENTS));

            assertThat(text(embedded)).contains("private network address").contains("::127.0.0.1");
            assertThat(text(nat64)).contains("private network address");
            assertThat(redirected).allSatisfy(reply -> {
                assertThat(reply.at("/result/isError").asBoolean()).isTrue();
                assertThat(text(reply)).contains("only http and https");
            });
            assertThat(text(redirected.get(0))).contains("file:");
            assertThat(seen).hasSize(4);
            assertThat(fair.at("/result/isError").asBoolean()).isFalse();
        } finally {
            api.close().await(10, TimeUnit.SECONDS);
        }
    }
}
