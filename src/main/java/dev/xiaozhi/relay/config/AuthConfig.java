package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.SecretValue;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the relay authenticates to a REST API on behalf of devices: the secrets stay in the relay. Secret fields are
 * {@link SecretValue}s, resolved when a call needs them.
 */
public sealed interface AuthConfig {

    /**
     * An API key in a header or query parameter.
     *
     * @param inQuery whether it goes in the query string (else a header)
     * @param name    header or parameter name, e.g. {@code x-rapidapi-key}
     * @param prefix  text put before the key, e.g. {@code Token }
     * @param value   the key
     */
    record ApiKey(boolean inQuery, String name, String prefix, SecretValue value) implements AuthConfig {
    }

    /**
     * {@code Authorization: Bearer <token>}.
     *
     * @param token the token
     */
    record Bearer(SecretValue token) implements AuthConfig {
    }

    /**
     * HTTP basic authentication.
     *
     * @param username user name
     * @param password password
     */
    record Basic(SecretValue username, SecretValue password) implements AuthConfig {
    }

    /**
     * OAuth 2.0 client credentials: a token from the token endpoint, cached until shortly before it expires.
     *
     * @param tokenUrl     the token endpoint
     * @param clientId     client id
     * @param clientSecret client secret
     * @param scopes       scopes requested, none when empty
     */
    record OAuth2(URI tokenUrl, SecretValue clientId, SecretValue clientSecret, List<String> scopes)
            implements AuthConfig {
    }

    /** Reads an {@code auth} block; absent when the node is. */
    static Optional<AuthConfig> from(ConfigNode node) {
        if (!node.isPresent()) {
            return Optional.empty();
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (String type : List.of("apiKey", "bearer", "basic", "oauth2")) {
            types.put(type, type);
        }
        String type = node.object("type", "in", "name", "prefix", "value", "token", "username", "password",
                "tokenUrl", "clientId", "clientSecret", "scopes").oneOf("type", types, null);
        AuthConfig auth = switch (type) {
            case "apiKey" -> {
                node.object("type", "in", "name", "prefix", "value");
                Map<String, Boolean> places = new LinkedHashMap<>();
                places.put("header", false);
                places.put("query", true);
                yield new ApiKey(node.oneOf("in", places, false), node.requiredString("name"),
                        node.string("prefix", ""), required(node, "value"));
            }
            case "bearer" -> new Bearer(required(node.object("type", "token"), "token"));
            case "basic" -> new Basic(required(node.object("type", "username", "password"), "username"),
                    required(node, "password"));
            default -> {
                node.object("type", "tokenUrl", "clientId", "clientSecret", "scopes");
                yield new OAuth2(node.httpUrl("tokenUrl").orElseThrow(() -> node.child("tokenUrl").error("required")),
                        required(node, "clientId"), required(node, "clientSecret"),
                        node.stringList("scopes", List.of()));
            }
        };
        return Optional.of(auth);
    }

    private static SecretValue required(ConfigNode node, String key) {
        return node.secret(key).orElseThrow(() -> node.child(key).error("required"));
    }
}
