package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.xiaozhi.relay.common.Glob;
import dev.xiaozhi.relay.config.ConfigException;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #10: a tenant policy glob built to backtrack ({@code ***********!}, every star a {@code .*}) blocked an
 * event loop for seconds, and patterns of any length were accepted.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class PolicyGlobAttackTest {

    private static final String NAME = "a".repeat(64);

    @TempDir
    Path stateDir;

    /**
     * Verifies that matching takes time linear in the name whatever the stars.
     * GIVEN a pattern of the longest accepted length, all stars but a last character no name has
     * WHEN it is matched against a 64-character catalog name ten thousand times
     * THEN that takes well under a second.
     */
    @Test
    void matchesStarredPatternsInLinearTime() {
        String pattern = "*".repeat(Glob.MAX_CHARS - 1) + "!";

        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            for (int i = 0; i < 10_000; i++) {
                assertThat(Glob.matches(pattern, NAME + i)).isFalse();
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            for (int i = 0; i < 10_000; i++) {
                assertThat(Glob.matches("*a?a*a?*a*" + i, NAME + i)).isTrue();
            }
        });
    }

    /** Verifies that the configuration refuses an over-long pattern with its path. */
    @Test
    void configRefusesLongPatterns() {
        String yaml = "tenants: {acme: {tools: [\"calc*\", \"" + "*a".repeat(Glob.MAX_CHARS) + "\"]}}";

        assertThatThrownBy(() -> ConfigLoader.parse(yaml, stateDir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tenants.acme.tools[1]: expected a glob pattern of 1 to " + Glob.MAX_CHARS
                        + " characters");
    }

    /** Verifies that the admin API refuses an over-long or star-heavy pattern with a field error. */
    @Test
    void adminRefusesLongPatterns(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);

            HttpResponse<Buffer> refused = admin.post("/tenants", new JsonObject().put("id", "evil")
                    .put("policy", new JsonObject().put("allowTools", new JsonArray().add("x".repeat(200)))
                            .put("denyTools", new JsonArray().add("*".repeat(Glob.MAX_STARS + 1) + "!"))));
            HttpResponse<Buffer> accepted = admin.post("/tenants", new JsonObject().put("id", "fair")
                    .put("policy", new JsonObject().put("allowTools", new JsonArray().add("calc*___*"))));

            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.bodyAsJsonObject().getJsonObject("fields").getMap())
                    .containsOnlyKeys("policy.allowTools", "policy.denyTools");
            assertThat(refused.bodyAsJsonObject().getJsonObject("fields").getString("policy.denyTools"))
                    .contains("at most " + Glob.MAX_STARS + " '*'");
            assertThat(accepted.statusCode()).isEqualTo(201);
        }
    }
}
