package dev.xiaozhi.relay.support;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.node.RelayNode;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A relay node started in the test JVM on free ports, with known device tokens. */
public final class TestRelay implements AutoCloseable {

    /** How long a stop may take: a drain ends HTTP sessions over the whole shutdown grace, then stops children. */
    private static final long STOP_WAIT_SECONDS = 60;

    /** Token of device {@code acme/kitchen}. */
    public static final String TOKEN = "xzr_test-token-kitchen";
    /** Token of device {@code acme/hall}, whose tenant sees only the calculator. */
    public static final String LIMITED_TOKEN = "xzr_test-token-limited";
    /** Admin API token {@code ops}, which may change things. */
    public static final String ADMIN_TOKEN = "xzr_test-admin-ops";
    /** Admin API token {@code viewer}, which may only read. */
    public static final String READER_TOKEN = "xzr_test-admin-viewer";

    private final RelayNode node;

    private TestRelay(RelayNode node) {
        this.node = node;
    }

    /** The YAML of a relay with the calculator and diagnostics targets and two tenants. */
    public static String yaml(Path stateDir, String serverExtra) {
        return """
                node:
                  stateDir: %s
                server:
                  host: 127.0.0.1
                  port: 0
                  instances: 2
                  shutdownGrace: 5s
                %s
                admin:
                  port: 0
                  tokens:
                    ops: {tokenHash: "%s"}
                    viewer: {tokenHash: "%s", role: reader}
                targets:
                  calculator: {type: builtin, builtin: calculator}
                  diagnostics: {type: builtin, builtin: diagnostics, timeout: 2s}
                tenants:
                  acme:
                    devices:
                      kitchen: {tokenHash: "%s"}
                  limited:
                    targets: [calc*]
                    devices:
                      hall: {tokenHash: "%s"}
                """.formatted(stateDir, serverExtra.indent(2).stripTrailing(), TokenHash.ofPlain(ADMIN_TOKEN),
                TokenHash.ofPlain(READER_TOKEN), TokenHash.ofPlain(TOKEN), TokenHash.ofPlain(LIMITED_TOKEN));
    }

    /**
     * The YAML of a one-instance relay with the given targets (the entries under {@code targets:}, as YAML lines)
     * and one device, {@code acme/kitchen} with {@link #TOKEN}.
     */
    public static String withTargets(Path stateDir, String targets) {
        return """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0, instances: 1}
                admin: {port: 0}
                targets:
                %s
                tenants:
                  acme: {devices: {kitchen: {tokenHash: "%s"}}}
                """.formatted(stateDir, targets.indent(2).stripTrailing(), TokenHash.ofPlain(TOKEN));
    }

    /** Starts a relay with extra {@code server:} keys (YAML lines, may be empty). */
    public static TestRelay start(Path stateDir, String serverExtra) throws Exception {
        return start(ConfigLoader.parse(yaml(stateDir, serverExtra), stateDir, Map.of()));
    }

    /** Starts a relay with a configuration. */
    public static TestRelay start(RelayConfig config) throws Exception {
        return new TestRelay(RelayNode.start(config).await(30, TimeUnit.SECONDS));
    }

    /** The node. */
    public RelayNode node() {
        return node;
    }

    /** The device port. */
    public int port() {
        return node.port();
    }

    /** The admin port. */
    public int adminPort() {
        return node.adminPort();
    }

    /** {@code ws://127.0.0.1:<port>/mcp?token=<token>}. */
    public String url(String token) {
        return "ws://127.0.0.1:" + port() + "/mcp?token=" + token;
    }

    /** Waits until a device with {@code token} is offered {@code tool} (targets connect after the relay starts). */
    public void awaitTool(Vertx vertx, String token, String tool) throws Exception {
        TestSocket device = TestSocket.connect(vertx, url(token));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange(Requests.listTools("\"tools\"")).at("/result/tools")
                .findValuesAsText("name").contains(tool));
        device.socket().close();
    }

    @Override
    public void close() throws Exception {
        node.stop().await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
