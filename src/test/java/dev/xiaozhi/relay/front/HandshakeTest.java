package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies how devices are let in: tokens checked before the upgrade, policies applied, TLS served. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class HandshakeTest {

    @TempDir
    Path stateDir;

    /** Verifies that a missing or unknown token is refused with HTTP 401 before the upgrade. */
    @ParameterizedTest
    @ValueSource(strings = {"", "?token=", "?token=xzr_wrong", "?other=1"})
    void refusesMissingAndUnknownTokensWith401(String query, Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            String url = "ws://127.0.0.1:" + relay.port() + "/mcp" + query;

            assertThatThrownBy(() -> TestSocket.connect(vertx, url))
                    .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus())
                            .isEqualTo(401));
        }
    }

    /** Verifies that a token in the Authorization header is accepted and other paths are 404. */
    @Test
    void acceptsBearerTokensAndRefusesOtherPaths(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            TestSocket device = TestSocket.connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1")
                    .setPort(relay.port()).setURI("/mcp").addHeader("Authorization", "Bearer " + TestRelay.TOKEN));
            assertThat(device.initialize("2025-06-18").at("/result/protocolVersion").asText())
                    .isEqualTo("2025-06-18");

            assertThatThrownBy(() -> TestSocket.connect(vertx,
                    "ws://127.0.0.1:" + relay.port() + "/other?token=" + TestRelay.TOKEN))
                    .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus())
                            .isEqualTo(404));
        }
    }

    /** Verifies that a tenant limited to some targets sees and calls only their tools. */
    @Test
    void appliesTheTenantsToolPolicy(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.LIMITED_TOKEN));
            device.initialize("2024-11-05");

            JsonNode list = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            JsonNode denied = device.exchange("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"diagnostics___echo\",\"arguments\":{\"text\":\"hi\"}}}");

            assertThat(list.at("/result/tools")).hasSize(1);
            assertThat(list.at("/result/tools/0/name").asText()).isEqualTo("calculator___evaluate");
            assertThat(denied.at("/error/code").asInt()).isEqualTo(-32602);
        }
    }

    /** Verifies that devices can use wss:// when the device port has a certificate. */
    @Test
    void servesTlsWithAConfiguredCertificate(Vertx vertx) throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        String tls = "tls:\n  cert: " + certificate.certificatePath() + "\n  key: " + certificate.privateKeyPath();
        try (TestRelay relay = TestRelay.start(stateDir, tls)) {
            TestSocket device = TestSocket.connect(vertx,
                    "wss://localhost:" + relay.port() + "/mcp?token=" + TestRelay.TOKEN);

            JsonNode init = device.initialize("2024-11-05");

            assertThat(init.at("/result/protocolVersion").asText()).isEqualTo("2024-11-05");
        } finally {
            certificate.delete();
        }
    }
}
