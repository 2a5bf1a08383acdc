package dev.xiaozhi.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xiaozhi.relay.support.RelayProcess;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies onboarding from the command line against a running relay process: the commands find the node's local
 * admin token, a new device's token and URL are printed once and work, rotation and revocation take effect.
 */
@ExtendWith(VertxExtension.class)
@Timeout(180_000)
class OnboardingIT {

    private static final Pattern URL = Pattern.compile("(ws://\\S+\\?token=(xzr_\\S+))");

    /** Verifies tenant add/list and device add/list/rotate/revoke, as an operator runs them. */
    @Test
    void onboardsADevice(Vertx vertx, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets: {calculator: {type: builtin, builtin: calculator}}
                """.formatted(dir));
        try (RelayProcess relay = RelayProcess.start(Map.of(), "--config", config.toString())) {
            String admin = "http://127.0.0.1:" + relay.awaitReady()[1];

            assertThat(run(admin, dir, "tenant", "add", "--id", "acme", "--name", "Acme Inc")).contains("created");
            String added = run(admin, dir, "device", "add", "--tenant", "acme", "--name", "Kitchen Speaker");
            Matcher first = URL.matcher(added);
            assertThat(first.find()).as(added).isTrue();
            assertThat(added).contains("Device acme/kitchen-speaker created").contains("shown once");
            TestSocket session = TestSocket.connect(vertx, first.group(1));
            assertThat(session.initialize("2024-11-05").at("/result/protocolVersion").asText())
                    .isEqualTo("2024-11-05");
            assertThat(run(admin, dir, "device", "list", "--tenant", "acme")).contains("kitchen-speaker")
                    .contains("Kitchen Speaker").contains("active").doesNotContain(first.group(2));
            assertThat(run(admin, dir, "tenant", "list")).contains("acme").contains("Acme Inc");

            Matcher rotated = URL.matcher(run(admin, dir, "device", "rotate", "--tenant", "acme", "--id",
                    "kitchen-speaker", "--grace-seconds", "0"));
            assertThat(rotated.find()).isTrue();
            assertRefused(vertx, first.group(1));
            TestSocket.connect(vertx, rotated.group(1)).initialize("2024-11-05");

            assertThat(run(admin, dir, "device", "revoke", "--tenant", "acme", "--id", "kitchen-speaker"))
                    .contains("revoked");
            assertThat(session.awaitClose()).isEqualTo((short) 1008);
            assertRefused(vertx, rotated.group(1));

            try (RelayProcess again = cli(admin, dir, "device", "add", "--tenant", "acme", "--name",
                    "kitchen-speaker")) {
                assertThat(again.awaitExit()).isEqualTo(2);
                assertThat(again.stderr()).contains("device acme/kitchen-speaker already exists");
            }
            try (RelayProcess noToken = cli(admin, dir.resolve("elsewhere"), "tenant", "list")) {
                assertThat(noToken.awaitExit()).isEqualTo(2);
                assertThat(noToken.stderr()).contains("no admin token");
            }
        }
    }

    private static String run(String admin, Path stateDir, String... args) throws Exception {
        try (RelayProcess command = cli(admin, stateDir, args)) {
            String out = new String(command.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(command.awaitExit()).as(command.stderr()).isZero();
            return out;
        }
    }

    private static RelayProcess cli(String admin, Path stateDir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-url", admin, "--state-dir", stateDir.toString()));
        return RelayProcess.start(Map.of(), all.toArray(String[]::new));
    }

    private static void assertRefused(Vertx vertx, String url) {
        assertThatThrownBy(() -> TestSocket.connect(vertx, url)).isInstanceOfSatisfying(
                UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
    }
}
