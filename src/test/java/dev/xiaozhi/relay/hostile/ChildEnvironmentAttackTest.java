package dev.xiaozhi.relay.hostile;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.StdioTargetSpec;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HostileStdioServer;
import dev.xiaozhi.relay.support.Requests;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #3: a stdio MCP server printed its environment and saw {@code RELAY_ADMIN_TOKEN},
 * {@code RELAY_REGISTRY_KEY}, {@code RELAY_DEMO_TOKEN}, provider tokens and {@code AWS_SECRET_ACCESS_KEY}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class ChildEnvironmentAttackTest {

    /** The relay's environment: what a child may need, the relay's own secrets, and the rest. */
    private static final Map<String, String> RELAY_ENV = Map.ofEntries(
            Map.entry("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
            Map.entry("HOME", "/home/relay"), Map.entry("LANG", "C.UTF-8"), Map.entry("TZ", "Asia/Shanghai"),
            Map.entry("RELAY_ADMIN_TOKEN", "xzr_admin-secret"), Map.entry("RELAY_REGISTRY_KEY", "registry-key-secret"),
            Map.entry("RELAY_DEMO_TOKEN", "xzr_demo-secret"), Map.entry("HOME_PROVIDER_TOKEN", "xzr_provider-secret"),
            Map.entry("MCP_ENDPOINT", "wss://api.xiaozhi.me/mcp/?token=agent-secret"),
            Map.entry("AWS_ACCESS_KEY_ID", "AKIDRELAY"), Map.entry("AWS_SECRET_ACCESS_KEY", "aws-secret"),
            Map.entry("BUILD_NUMBER", "42"));

    @TempDir
    Path stateDir;

    /**
     * Verifies that a child gets a minimal environment plus its own, and what its target names.
     * GIVEN a relay whose environment holds its admin token, registry key, a provider token referenced by the
     * config, the agent endpoint and AWS credentials; and stdio targets printing their environment: one plain with
     * its own {@code env}, one naming the AWS variables in {@code inheritEnv}, one inheriting {@code *}
     * WHEN a device calls each
     * THEN the plain child sees PATH, HOME, LANG, TZ and its own variable only; the AWS child also the two it named;
     * the {@code *} child everything but the relay's own secrets and the agent endpoint.
     */
    @Test
    void passesChildrenOnlyWhatTheyNeed(Vertx vertx) throws Exception {
        String yaml = """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0, tokens: {ops: {token: "${env:RELAY_ADMIN_TOKEN}"}}}
                targets:
                  plain: %s
                  aws: %s
                  everything: %s
                  home: {type: provider, token: "${env:HOME_PROVIDER_TOKEN}"}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}, demo: {token: "${env:RELAY_DEMO_TOKEN}"}}}
                """.formatted(stateDir, HostileStdioServer.target("env", "env: {LOG_LEVEL: warn}"),
                HostileStdioServer.target("env", "inheritEnv: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]"),
                HostileStdioServer.target("env", "inheritEnv: [\"*\"]"), TokenHash.ofPlain(TestRelay.TOKEN));
        try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, RELAY_ENV))) {
            TestSocket device = connected(vertx, relay, 3);

            assertThat(environment(device, "plain___env")).isEqualTo(Map.of("PATH", RELAY_ENV.get("PATH"), "HOME",
                    "/home/relay", "LANG", "C.UTF-8", "TZ", "Asia/Shanghai", "LOG_LEVEL", "warn"));
            assertThat(environment(device, "aws___env")).containsEntry("AWS_ACCESS_KEY_ID", "AKIDRELAY")
                    .containsEntry("AWS_SECRET_ACCESS_KEY", "aws-secret").containsKey("PATH")
                    .doesNotContainKeys("RELAY_ADMIN_TOKEN", "BUILD_NUMBER", "MCP_ENDPOINT");
            assertThat(environment(device, "everything___env")).containsEntry("BUILD_NUMBER", "42")
                    .containsKeys("AWS_SECRET_ACCESS_KEY", "HOME_PROVIDER_TOKEN", "PATH")
                    .doesNotContainKeys("RELAY_ADMIN_TOKEN", "RELAY_REGISTRY_KEY", "RELAY_DEMO_TOKEN", "MCP_ENDPOINT");
        }
    }

    /**
     * Verifies the drop-in pipe mode: like {@code mcp_pipe.py} its servers get the user's environment, but never the
     * relay's own secrets nor {@code MCP_ENDPOINT}, which holds the agent's token.
     */
    @Test
    void passesPipeServersTheUsersEnvironmentButNoRelaySecret(Vertx vertx) throws Exception {
        Path mcpConfig = stateDir.resolve("mcp_config.json");
        ObjectNode server = Json.MAPPER.createObjectNode().put("command", javaCommand());
        server.putArray("args").add("-cp").add(System.getProperty("java.class.path"))
                .add(HostileStdioServer.class.getName()).add("env");
        server.putObject("env").put("KEY", "v");
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("mcpServers").set("snoop", server);
        Files.writeString(mcpConfig, root.toString());
        RelayConfig config = ConfigLoader.parse("""
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                """.formatted(stateDir, TokenHash.ofPlain(TestRelay.TOKEN)), stateDir, RELAY_ENV)
                .withMcpConfig(mcpConfig, RELAY_ENV, PrefixMode.CONDITIONAL, StdioTargetSpec.INHERIT_ALL);
        try (TestRelay relay = TestRelay.start(config)) {
            TestSocket device = connected(vertx, relay, 1);

            assertThat(environment(device, "env")).containsEntry("KEY", "v")
                    .containsEntry("BUILD_NUMBER", "42").containsEntry("AWS_SECRET_ACCESS_KEY", "aws-secret")
                    .doesNotContainKeys("RELAY_ADMIN_TOKEN", "RELAY_REGISTRY_KEY", "RELAY_DEMO_TOKEN", "MCP_ENDPOINT");
        }
    }

    private static TestSocket connected(Vertx vertx, TestRelay relay, int tools) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2025-06-18");
        Await.until(vertx, 30_000, () -> device.exchange(Requests.listTools("\"l\"")).at("/result/tools").size()
                == tools);
        return device;
    }

    private static Map<String, String> environment(TestSocket device, String tool) throws Exception {
        return Arrays.stream(text(device.exchange(call(1, tool, "{}"))).split("\n"))
                .map(line -> line.split("=", 2)).collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
