package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.SecretValue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A REST API described by an OpenAPI 3.0 or 3.1 document: each operation becomes a tool.
 *
 * @param spec                the document: a file path (relative to the config file) or an http(s) URL
 * @param baseDir             directory that a relative {@code spec} resolves against
 * @param baseUrl             the API's base URL; the document's first server when empty
 * @param include             glob patterns of the operations to offer (tool names or operationIds), all when empty
 * @param exclude             glob patterns of operations left out
 * @param descriptionMaxChars longest tool description
 * @param headers             headers sent with every request (values are secrets: never logged)
 * @param auth                how the relay authenticates; tenants may bring their own
 * @param identityHeaders     whether requests carry {@code X-Relay-Tenant} and {@code X-Relay-Device}
 * @param allowPrivateNetwork whether loopback, private and link-local destinations are allowed
 * @param maxRedirects        redirects followed at most
 * @param connectTimeout      TCP connect timeout
 * @param maxResponseBytes    largest response body accepted
 */
public record OpenApiTargetSpec(String spec, Path baseDir, Optional<URI> baseUrl, List<String> include,
        List<String> exclude, int descriptionMaxChars, Map<String, SecretValue> headers, Optional<AuthConfig> auth,
        boolean identityHeaders, boolean allowPrivateNetwork, int maxRedirects, Duration connectTimeout,
        int maxResponseBytes) implements TargetSpec {

    /** Default cap on tool descriptions. */
    public static final int DEFAULT_DESCRIPTION_MAX_CHARS = 1024;
    /** Default number of redirects followed. */
    public static final int DEFAULT_MAX_REDIRECTS = 3;

    static OpenApiTargetSpec from(ConfigNode node, Path baseDir) {
        return new OpenApiTargetSpec(node.requiredString("spec"), baseDir, node.httpUrl("baseUrl"),
                node.globList("include", List.of()), node.globList("exclude", List.of()),
                node.integer("descriptionMaxChars", 16, 100_000, DEFAULT_DESCRIPTION_MAX_CHARS),
                node.secretMap("headers"), AuthConfig.from(node.child("auth")),
                node.bool("identityHeaders", false), node.bool("allowPrivateNetwork", false),
                node.integer("maxRedirects", 0, 20, DEFAULT_MAX_REDIRECTS),
                node.duration("connectTimeout", HttpTargetSpec.DEFAULT_CONNECT_TIMEOUT),
                node.size("maxResponseBytes", 1024, 256 * 1024 * 1024, HttpTargetSpec.DEFAULT_MAX_RESPONSE_BYTES));
    }

    /** Keys of an openapi target besides the common ones. */
    static List<String> keys() {
        return List.of("spec", "baseUrl", "include", "exclude", "descriptionMaxChars", "headers", "auth",
                "identityHeaders", "allowPrivateNetwork", "maxRedirects", "connectTimeout", "maxResponseBytes");
    }
}
