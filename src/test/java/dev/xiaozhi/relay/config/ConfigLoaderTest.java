package dev.xiaozhi.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.TokenHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies loading, references, defaults and the exact messages for bad configurations. */
class ConfigLoaderTest {

    private static final Path HERE = Path.of(".");

    /** Verifies that the shipped default config loads with defaults and takes its ports from the environment. */
    @Test
    void loadsTheDefaultConfig() {
        RelayConfig config = ConfigLoader.load(Path.of("conf", "relay.yaml"), Map.of());
        RelayConfig moved = ConfigLoader.load(Path.of("conf", "relay.yaml"),
                Map.of("RELAY_PORT", "9000", "RELAY_ADMIN_PORT", "9001", "RELAY_DEMO_TOKEN", "xzr_abc"));

        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.admin()).isEqualTo(new AdminConfig("127.0.0.1", 8081, Map.of()));
        assertThat(config.server().maxResultBytes()).isEqualTo(8192);
        assertThat(config.server().maxMessageBytes()).isEqualTo(1024 * 1024);
        assertThat(config.server().http()).isEqualTo(HttpFrontConfig.DEFAULT);
        assertThat(config.targets()).containsOnlyKeys("calculator");
        assertThat(config.targets().get("calculator").spec()).isEqualTo(new BuiltinTargetSpec("calculator"));
        assertThat(config.tenants().get("demo").devices().get("demo").tokenHash()).isEmpty();
        assertThat(moved.server().port()).isEqualTo(9000);
        assertThat(moved.admin().port()).isEqualTo(9001);
        assertThat(moved.tenants().get("demo").devices().get("demo").tokenHash())
                .contains(TokenHash.ofPlain("xzr_abc"));
    }

    /** Verifies that an empty file means every default. */
    @Test
    void readsAnEmptyFileAsDefaults() {
        RelayConfig config = ConfigLoader.parse("", HERE, Map.of());
        assertThat(config.server().http()).isEqualTo(HttpFrontConfig.DEFAULT);

        assertThat(config.server().pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.server().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.node().stateDir()).isEqualTo(Path.of("data"));
        assertThat(config.node().eventLoops()).isZero();
        assertThat(config.targets()).isEmpty();
    }

    /** Verifies that {@code node.eventLoops} sets the node's event-loop threads. */
    @Test
    void readsTheNodesEventLoops() {
        assertThat(ConfigLoader.parse("node: {eventLoops: 1}", HERE, Map.of()).node().eventLoops()).isEqualTo(1);
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                arguments("colour: red",
                        "colour: unknown key; known keys: node, server, admin, pipes, cluster, secrets, targets, "
                                + "tenants, registry"),
                arguments("server: {colour: red}", "server.colour: unknown key; known keys: host, port, publicUrl, "
                        + "instances, tls, maxMessageBytes, maxResultBytes, writeQueueMaxBytes, pingInterval, "
                        + "idleTimeout, pageSize, shutdownGrace, authFailures, httpSessionIdle, httpMaxResultBytes, "
                        + "httpMaxSessionsPerDevice, httpMaxStreamsPerSession, allowedOrigins"),
                arguments("server: {trustedProxies: [10.0.0.0/8, proxy.local]}",
                        "server.trustedProxies[1]: expected an IPv4 or IPv6 address block such as 10.0.0.0/8 or "
                                + "fd00::/8, got \"proxy.local\""),
                arguments("server: {trustedProxies: [10.0.0.0/33]}",
                        "server.trustedProxies[0]: expected a prefix length between 0 and 32, got \"10.0.0.0/33\""),
                arguments("server: {proxyProtocol: true}",
                        "server.proxyProtocol: needs server.trustedProxies: the proxies that send the header"),
                arguments("server: {port: abc}", "server.port: expected an integer between 0 and 65535, got \"abc\""),
                arguments("server: {port: 70000}",
                        "server.port: expected an integer between 0 and 65535, got \"70000\""),
                arguments("server: {pingInterval: soon}",
                        "server.pingInterval: expected a positive duration like 500ms, 30s, 2m or 1h, got \"soon\""),
                arguments("server: {maxResultBytes: 10}", "server.maxResultBytes: expected a size from 512 to "
                        + "16777216 bytes (e.g. 8192, 64KiB, 1MiB), got \"10\""),
                arguments("server: {pingInterval: 60s, idleTimeout: 30s}",
                        "server.idleTimeout: must be at least server.pingInterval"),
                arguments("server: {publicUrl: http://x}", "server.publicUrl: expected a ws:// or wss:// URL"),
                arguments("server: {allowedOrigins: [https://a.example/path]}", "server.allowedOrigins: expected "
                        + "origins like https://app.example.com (scheme and host, no path) or *, got "
                        + "\"https://a.example/path\""),
                arguments("server: {tls: {cert: nope.pem, key: nope.key}}", "server.tls.cert: file not found: "),
                arguments("server: [1, 2]", "server: expected a mapping of keys"),
                arguments("server: {port: \"${env:NOPE}\"}", "server.port: environment variable NOPE is not set"),
                arguments("server: {host: \"${vault:x}\"}", "server.host: unknown reference kind 'vault'; supported: "
                        + "env, file"),
                arguments("targets: {calc: {type: rocket}}", "targets.calc.type: expected one of builtin"),
                arguments("targets: {calc: {builtin: calculator}}",
                        "targets.calc.type: required; expected one of builtin"),
                arguments("targets: {calc: {type: builtin}}",
                        "targets.calc.builtin: required; expected one of calculator, diagnostics"),
                arguments("targets: {calc: {type: builtin, builtin: calculator, prefix: sometimes}}",
                        "targets.calc.prefix: expected one of always, conditional, never"),
                arguments("targets: {calc: {type: builtin, builtin: calculator, speed: 3}}",
                        "targets.calc.speed: unknown key; known keys: type, prefix, timeout, maxConcurrent, maxQueued, "
                                + "enabled, placement, breaker, builtin"),
                arguments("targets: {calc: {type: builtin, builtin: calculator, pingTimeout: 5s}}",
                        "targets.calc.pingTimeout: unknown key"),
                arguments("targets: {files: {type: stdio, command: x, maxResponseBytes: 10}}",
                        "targets.files.maxResponseBytes: expected a size from 1024 to 268435456 bytes"),
                arguments("targets: {home: {type: provider, token: t, pingInterval: 0s}}",
                        "targets.home.pingInterval: expected a positive duration"),
                arguments("targets: {calc: {type: builtin, builtin: calculator, breaker: {maxFailures: 0}}}",
                        "targets.calc.breaker.maxFailures: expected an integer between 1 and 1000000, got \"0\""),
                arguments("targets: {include: {files: mcp_config.json, prefix: sometimes}}",
                        "targets.include.prefix: expected one of always, conditional, never"),
                arguments("targets: {include: {file: mcp_config.json}}",
                        "targets.include.file: unknown key; known keys: files, prefix"),
                arguments("targets: {include: {prefix: conditional}}", "targets.include.files: required"),
                arguments("targets: {\"bad name\": {type: builtin, builtin: calculator}}",
                        "targets.bad name: target names are 1 to 32 letters, digits, '_' or '-', starting with a "
                                + "letter or digit"),
                arguments("tenants: {t: {devices: {d: {token: a, tokenHash: \"" + TokenHash.ofPlain("a") + "\"}}}}",
                        "tenants.t.devices.d: set either token or tokenHash, not both"),
                arguments("tenants: {t: {devices: {d: {tokenHash: md5:abc}}}}",
                        "tenants.t.devices.d.tokenHash: expected sha256:<64 hex digits>"),
                arguments("tenants: {t: {devices: {a: {token: same}, b: {token: same}}}}",
                        "tenants.t.devices.b: same token as tenants.t.devices.a"),
                arguments("tenants: {t: {targets: calc}}", "tenants.t.targets: expected a list of strings"),
                arguments("tenants: {t: {limits: {maxSessions: -1}}}",
                        "tenants.t.limits.maxSessions: expected an integer between 0 and 2147483647, got \"-1\""),
                arguments("tenants: {t: {limits: {sessions: 1}}}", "tenants.t.limits.sessions: unknown key"),
                arguments("registry: {store: mongo}", "registry.store: expected one of file, memory, postgres"),
                arguments("registry: {store: postgres}", "registry.postgres: required when store is postgres"),
                arguments("registry: {postgres: {uri: \"mysql://x\"}}",
                        "registry.postgres.uri: expected a postgresql://host[:port]/database URI"),
                arguments("registry: {encryptionKey: short}",
                        "registry.encryptionKey: expected base64 of 32 bytes (44 characters)"),
                arguments("admin: {tokens: {ops: {role: admin}}}", "admin.tokens.ops: set token or tokenHash"),
                arguments("admin: {tokens: {ops: {token: x, role: root}}}",
                        "admin.tokens.ops.role: expected one of admin, reader"),
                arguments("server: {authFailures: {max: -1}}",
                        "server.authFailures.max: expected an integer between 0 and 1000000, got \"-1\""),
                arguments("targets: {r: {type: http, url: \"http://127.0.0.1:9/mcp\", sessions: always}}",
                        "targets.r.sessions: expected one of auto, perSession, shared"),
                arguments("targets: {c: {type: stdio, command: c, sessions: perSession}}",
                        "targets.c.sessions: unknown key"),
                arguments("server: {port: 1}\nserver: {port: 2}", "invalid YAML at line 2"),
                arguments("server: {port: [", "invalid YAML at line 1"));
    }

    /** Verifies that MCP server targets take a ping timeout, stdio ones a line bound, providers a ping period. */
    @Test
    void readsTheLivenessKeysOfMcpServerTargets() {
        RelayConfig config = ConfigLoader.parse("""
                targets:
                  files: {type: stdio, command: x, pingTimeout: 3s, maxResponseBytes: 64KiB}
                  home: {type: provider, token: t, pingInterval: 5s}
                  calc: {type: builtin, builtin: calculator}
                """, HERE, Map.of());

        assertThat(config.targets().get("files").pingTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(((StdioTargetSpec) config.targets().get("files").spec()).maxResponseBytes()).isEqualTo(65_536);
        assertThat(config.targets().get("home").pingTimeout()).isEqualTo(TargetConfig.DEFAULT_PING_TIMEOUT);
        assertThat(((ProviderTargetSpec) config.targets().get("home").spec()).pingInterval())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(config.targets().get("calc").pingTimeout()).isEqualTo(TargetConfig.DEFAULT_PING_TIMEOUT);
    }

    /** Verifies that a bad configuration fails with the key path and what was expected. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("badConfigs")
    void refusesBadConfigsWithTheKeyPath(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, HERE, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    /** Verifies that values from references never appear in error messages. */
    @Test
    void neverEchoesReferencedValues() {
        assertThatThrownBy(() -> ConfigLoader.parse("server: {port: \"${env:SECRET}\"}", HERE,
                Map.of("SECRET", "xzr_supersecret")))
                .hasMessage("server.port: expected an integer between 0 and 65535, got a value from a reference")
                .hasMessageNotContaining("supersecret");
    }

    /** Verifies file references (relative to the config, trailing newline trimmed), defaults and the escape. */
    @Test
    void resolvesFileAndEnvReferences(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("token.txt"), "xzr_from_file\n");
        Files.writeString(dir.resolve("relay.yaml"), """
                server: {host: "${env:HOST:-127.0.0.2}", publicUrl: "wss://${env:DOMAIN}/x?a=$${literal}"}
                tenants: {t: {devices: {d: {token: "${file:token.txt}"}}}}
                """);

        RelayConfig config = ConfigLoader.load(dir.resolve("relay.yaml"), Map.of("DOMAIN", "relay.example"));

        assertThat(config.server().host()).isEqualTo("127.0.0.2");
        assertThat(config.server().publicUrl()).contains("wss://relay.example/x?a=${literal}");
        assertThat(config.tenants().get("t").devices().get("d").tokenHash())
                .contains(TokenHash.ofPlain("xzr_from_file"));
    }

    /** Verifies that a missing file is reported with its path. */
    @Test
    void reportsAMissingConfigFile() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("no", "such.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cannot read config file no/such.yaml: NoSuchFileException");
    }

    /** Verifies that an mcp_config.json is taken as it is: stdio and HTTP servers, env, disabled, odd names. */
    @Test
    void includesMcpConfigFilesUnchanged(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mcp_config.json"), """
                {"mcpServers": {
                  "calculator": {"command": "python", "args": ["-m", "calculator"], "env": {"KEY": "v"}},
                  "remote tools": {"transportType": "streamable-http", "url": "http://127.0.0.1:9/mcp",
                                   "headers": {"Authorization": "Bearer ${env:REMOTE_TOKEN}"}},
                  "off": {"type": "stdio", "command": "x", "disabled": true}
                }}
                """);
        Files.writeString(dir.resolve("relay.yaml"), "targets:\n  include: mcp_config.json\n");

        RelayConfig config = ConfigLoader.load(dir.resolve("relay.yaml"), Map.of("REMOTE_TOKEN", "t0ken"));

        assertThat(config.targets()).containsOnlyKeys("calculator", "remote-tools", "off");
        assertThat(config.targets().get("calculator").spec())
                .isEqualTo(new StdioTargetSpec("python", List.of("-m", "calculator"), Map.of("KEY", "v"),
                        Optional.empty(), List.of(), Map.of("KEY", "v"), StdioTargetSpec.DEFAULT_MAX_RESPONSE_BYTES));
        HttpTargetSpec remote = (HttpTargetSpec) config.targets().get("remote-tools").spec();
        assertThat(remote.url().toString()).isEqualTo("http://127.0.0.1:9/mcp");
        assertThat(remote.headers()).containsEntry("Authorization", "Bearer t0ken");
        assertThat(remote.toString()).doesNotContain("t0ken");
        assertThat(remote.sessions()).isEqualTo(HttpTargetSpec.Sessions.AUTO);
        assertThat(((HttpTargetSpec) ConfigLoader.parse("targets: {r: {type: http, url: \"http://127.0.0.1:9/mcp\", "
                + "sessions: perSession}}", HERE, Map.of()).targets().get("r").spec()).sessions())
                .isEqualTo(HttpTargetSpec.Sessions.PER_SESSION);
        assertThat(config.targets().get("off").enabled()).isFalse();
        assertThatThrownBy(() -> config.withMcpConfig(dir.resolve("mcp_config.json"), Map.of("REMOTE_TOKEN", "t"),
                PrefixMode.ALWAYS))
                .hasMessageContaining("target 'calculator' is already defined");
    }

    /**
     * Verifies that included servers are prefixed {@code always} unless the include says otherwise, and that the
     * pipe mode's {@code conditional} reaches every server of the file.
     */
    @Test
    void prefixesIncludedServersAsTheIncludeSays(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mcp_config.json"), """
                {"mcpServers": {"calc": {"command": "calc"}, "adder": {"command": "adder"}}}
                """);
        Files.writeString(dir.resolve("default.yaml"), "targets:\n  include: [mcp_config.json]\n");
        Files.writeString(dir.resolve("own.yaml"), "targets:\n  include: {files: mcp_config.json, prefix: never}\n");

        RelayConfig byDefault = ConfigLoader.load(dir.resolve("default.yaml"), Map.of());
        RelayConfig own = ConfigLoader.load(dir.resolve("own.yaml"), Map.of());
        RelayConfig pipe = ConfigLoader.parse("{}", dir, Map.of()).withMcpConfig(dir.resolve("mcp_config.json"),
                Map.of(), PrefixMode.CONDITIONAL);

        assertThat(byDefault.targets().values()).extracting(TargetConfig::prefix).containsOnly(PrefixMode.ALWAYS);
        assertThat(own.targets().values()).extracting(TargetConfig::prefix).containsOnly(PrefixMode.NEVER);
        assertThat(pipe.targets()).containsOnlyKeys("calc", "adder");
        assertThat(pipe.targets().values()).extracting(TargetConfig::prefix).containsOnly(PrefixMode.CONDITIONAL);
    }
}
