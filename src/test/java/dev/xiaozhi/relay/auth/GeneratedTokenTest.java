package dev.xiaozhi.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.node.RelayNode;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the token generated for a device configured without one. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class GeneratedTokenTest {

    /**
     * Verifies that the token is generated once, kept across restarts as a hash only (in its own file and in the
     * registry), and accepted.
     */
    @Test
    void generatesTheTokenOnceAndKeepsOnlyItsHash(Vertx vertx, @TempDir Path stateDir) throws Exception {
        RelayConfig config = ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets: {calculator: {type: builtin, builtin: calculator}}
                tenants: {demo: {devices: {demo: {token: "${env:NO_SUCH_TOKEN:-}"}}}}
                """.formatted(stateDir), stateDir, Map.of());

        RelayNode first = RelayNode.start(config).await(30, TimeUnit.SECONDS);
        List<ConfiguredDevices.GeneratedToken> generated = first.generatedTokens();
        first.stop().await(30, TimeUnit.SECONDS);
        RelayNode second = RelayNode.start(config).await(30, TimeUnit.SECONDS);
        try {
            assertThat(generated).hasSize(1);
            String token = generated.get(0).token();
            assertThat(token).startsWith("xzr_");
            assertThat(second.generatedTokens()).isEmpty();
            TestSocket device = TestSocket.connect(vertx, "ws://127.0.0.1:" + second.port() + "/mcp?token=" + token);
            assertThat(device.initialize("2024-11-05").at("/result/protocolVersion").asText())
                    .isEqualTo("2024-11-05");
            try (Stream<Path> files = Files.walk(stateDir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(file)).doesNotContain(token);
                }
            }
            try (Stream<Path> files = Files.list(stateDir.resolve("tokens"))) {
                for (Path file : files.toList()) {
                    assertThat(Files.readString(file)).startsWith("sha256:");
                }
            }
        } finally {
            second.stop().await(30, TimeUnit.SECONDS);
        }
    }
}
