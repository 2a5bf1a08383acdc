package dev.xiaozhi.relay.front.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.NodePeers;
import dev.xiaozhi.relay.support.ReferenceServer;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies that the official MCP conformance suite ({@code @modelcontextprotocol/conformance} 0.1.13, active suite,
 * no expected failures) passes through the relay's Streamable HTTP front: every one of its checks, with the suite's
 * own reference server as the relay's only target ({@code type: http}, {@code prefix: never}, so its names are the
 * ones the suite expects). The suite opens about 31 sessions on one device token, which the defaults allow.
 */
@ExtendWith(VertxExtension.class)
@Timeout(600_000)
class ConformanceIT {

    private static final String TOKEN = "xzr_conformance-token";
    private static final Pattern TOTAL = Pattern.compile("Total: (\\d+) passed, (\\d+) failed");
    private static final int CHECKS = 40;
    private static final long SUITE_TIMEOUT_S = 300;

    /**
     * GIVEN the reference server, on which the suite passes 40 of 40, as the relay's only target
     * WHEN the suite runs against the relay's {@code /mcp} with a device token in the URL
     * THEN it passes all 40 checks and fails none.
     */
    @Test
    void passesTheWholeSuiteThroughTheRelay(Vertx vertx, @TempDir Path workDir) throws Exception {
        Path suite = NodePeers.conformanceSuite();
        try (ReferenceServer reference = ReferenceServer.start(workDir)) {
            Path stateDir = workDir.resolve("state");
            String yaml = """
                    node: {stateDir: %s}
                    server: {host: 127.0.0.1, port: 0, instances: 1}
                    admin: {port: 0}
                    targets:
                      everything: {type: http, url: "%s", prefix: never}
                    tenants:
                      acme: {devices: {conformance: {tokenHash: "%s"}}}
                    """.formatted(stateDir, reference.url(), TokenHash.ofPlain(TOKEN));
            try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
                relay.awaitTool(vertx, TOKEN, "test_simple_text");
                String output = suiteOutput(workDir, suite, relay.port());
                Matcher total = TOTAL.matcher(output);
                assertThat(total.find()).as("the suite's Total line in:%n%s", output).isTrue();
                System.out.println("conformance suite through the relay: " + total.group());
                assertThat(total.group()).as(output).isEqualTo("Total: " + CHECKS + " passed, 0 failed");
            }
        }
    }

    /** The suite's output of one whole run through the relay, passed or failed. */
    private static String suiteOutput(Path workDir, Path suite, int port) throws Exception {
        try {
            return ReferenceServer.run(workDir, SUITE_TIMEOUT_S, "node", suite.toString(), "server",
                    "--url", "http://127.0.0.1:" + port + "/mcp?token=" + TOKEN);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
