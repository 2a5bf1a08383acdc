package dev.xiaozhi.relay.loadtest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay a simulation loads: the one named by {@code -Durl=ws://host:port -Dtoken=…} (and {@code -DadminUrl},
 * {@code -DadminToken} for the admin API), else the packaged jar ({@code -Drelay.jar}) started here on the embedded
 * default or on a generated config, in a temporary state directory, on free loopback ports;
 * {@code -DrelayJvmOptions="…"} adds JVM options to a generated relay (e.g. a flight recording).
 *
 * @param url the device side, {@code ws://host:port}
 * @param token a device token
 * @param adminUrl the admin side, {@code http://host:port}
 * @param adminToken an admin API token
 * @param process the relay's process when it was started here
 */
public record RelayUnderTest(String url, String token, String adminUrl, String adminToken,
        Optional<ChildJvm> process) implements AutoCloseable {

    /** The tenant of the generated config's device. */
    public static final String TENANT = "load";
    private static final Pattern READY = Pattern.compile("relay ready \\[port: (\\d+), admin port: (\\d+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The relay of {@code -Durl}, else the packaged jar on a generated config: the {@code diagnostics} and
     * {@code calculator} targets plus {@code targets} (YAML lines under {@code targets:}), the tenant {@code load}
     * with one device (whose token every simulated device shares, so the tenant lifts {@code maxSessionsPerDevice})
     * plus {@code devices} (YAML lines under its {@code devices:}), an admin token, and {@code extra} top-level YAML.
     */
    public static RelayUnderTest generated(String targets, String devices, String extra, String... jvmOptions)
            throws Exception {
        Optional<RelayUnderTest> given = given();
        if (given.isPresent()) {
            return given.get();
        }
        Path dir = Files.createTempDirectory("relay-load");
        String token = newToken();
        String adminToken = newToken();
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0}
                admin: {port: 0, tokens: {loadtest: {tokenHash: "%s"}}}
                targets:
                  diagnostics: {type: builtin, builtin: diagnostics, maxConcurrent: 10000, maxQueued: 10000}
                  calculator: {type: builtin, builtin: calculator}
                %s
                tenants:
                  %s:
                    limits: {maxSessionsPerDevice: 0}
                    devices:
                      d: {tokenHash: "%s"}
                %s
                %s
                """.formatted(dir.resolve("data"), hash(adminToken), indent(targets, 2), TENANT, hash(token),
                indent(devices, 6), extra));
        List<String> options = new ArrayList<>(List.of(jvmOptions));
        String extraOptions = Load.property("relayJvmOptions", "");
        if (!extraOptions.isEmpty()) {
            options.addAll(List.of(extraOptions.split("\\s+")));
        }
        ChildJvm relay = start(dir, Map.of(), options, "--config", config.toString());
        Matcher ports = relay.awaitReady(60);
        return new RelayUnderTest("ws://127.0.0.1:" + ports.group(1), token, "http://127.0.0.1:" + ports.group(2),
                adminToken, Optional.of(relay));
    }

    /** Starts the packaged jar in {@code dir} with extra environment, JVM options and arguments; not yet ready. */
    public static ChildJvm start(Path dir, Map<String, String> env, List<String> jvmOptions, String... args)
            throws Exception {
        Path jar = Path.of(Load.property("relay.jar", "../target/xiaozhi-relay.jar")).toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with mvn -DskipTests package at the top");
        }
        List<String> command = new ArrayList<>(List.of(ChildJvm.java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return ChildJvm.start(command, env, dir, READY);
    }

    /** True when this run started the relay itself (so its process can be measured). */
    public boolean local() {
        return process.isPresent();
    }

    /** {@code ws://…/mcp?token=…} for the device token. */
    public String deviceUrl() {
        return deviceUrl(token);
    }

    /** {@code ws://…/mcp?token=…} for a token. */
    public String deviceUrl(String deviceToken) {
        return url + "/mcp?token=" + deviceToken;
    }

    /** The tool a device calls: {@code -Dtool}, else the diagnostics echo (calculator on the embedded default). */
    public String tool(String otherwise) {
        return Load.property("tool", otherwise);
    }

    @Override
    public void close() throws Exception {
        if (process.isPresent()) {
            process.get().close();
        }
    }

    /** A fresh token of the relay's form. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "xzr_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code sha256:<hex>} of a token, as the relay's config holds it. */
    public static String hash(String token) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<RelayUnderTest> given() {
        String url = Load.property("url", "");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RelayUnderTest(url.replaceAll("/+$", ""), Load.property("token", ""),
                Load.property("adminUrl", ""), Load.property("adminToken", ""), Optional.empty()));
    }

    private static String indent(String lines, int spaces) {
        return lines.isBlank() ? "" : lines.strip().indent(spaces).stripTrailing();
    }
}
