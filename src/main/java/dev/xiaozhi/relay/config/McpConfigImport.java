package dev.xiaozhi.relay.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the targets of a Claude-Desktop / {@code mcp_pipe.py} {@code mcp_config.json} unchanged: {@code mcpServers}
 * with {@code type} or {@code transportType} (stdio by default; streamable-http; sse), {@code command},
 * {@code args}, {@code env}, {@code disabled}, {@code url} and {@code headers}. Server names become target names
 * (illegal characters replaced); every server's tools are prefixed as the including side says.
 */
public final class McpConfigImport {

    private static final int MAX_NAME = 32;

    private McpConfigImport() {
    }

    /**
     * The targets of an {@code mcp_config.json}, by target name.
     *
     * @param prefix     how the tool names of every server of the file are prefixed
     * @param inheritEnv what its stdio servers inherit of the relay's environment (see {@link StdioTargetSpec})
     */
    public static Map<String, TargetConfig> read(Path file, Map<String, String> env, PrefixMode prefix,
            List<String> inheritEnv) {
        String where = "include " + file;
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read it as JSON (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode servers = root.path("mcpServers");
        if (!servers.isObject()) {
            throw new ConfigException(where + ": mcpServers: expected an object of servers");
        }
        References references = new References(file.toAbsolutePath().getParent(), env);
        Map<String, TargetConfig> targets = new LinkedHashMap<>();
        servers.fields().forEachRemaining(entry -> {
            String name = targetName(entry.getKey());
            String path = where + ": mcpServers." + entry.getKey();
            if (targets.containsKey(name)) {
                throw new ConfigException(path + ": its target name '" + name + "' is taken by another server");
            }
            ObjectNode target = translate(entry.getValue(), path, inheritEnv).put("prefix",
                    prefix.name().toLowerCase(Locale.ROOT));
            ConfigNode node = new ConfigNode(target, path, references);
            targets.put(name, TargetConfig.from(name, node, file.toAbsolutePath().getParent()));
        });
        return targets;
    }

    private static ObjectNode translate(JsonNode server, String path, List<String> inheritEnv) {
        if (!server.isObject()) {
            throw new ConfigException(path + ": expected an object");
        }
        String transport = server.path("type").asText(server.path("transportType").asText("stdio"))
                .toLowerCase(Locale.ROOT);
        ObjectNode target = Json.MAPPER.createObjectNode();
        switch (transport) {
            case "stdio" -> {
                target.put("type", "stdio");
                copy(server, target, "command", "args", "env", "cwd");
                inheritEnv.forEach(target.putArray("inheritEnv")::add);
            }
            case "http", "streamable-http", "streamablehttp", "streamable_http" -> {
                target.put("type", "http");
                copy(server, target, "url", "headers");
            }
            case "sse" -> {
                target.put("type", "http").put("transport", "sse");
                copy(server, target, "url", "headers");
            }
            default -> throw new ConfigException(path + ".type: '" + transport + "' is not supported; use stdio, "
                    + "streamable-http or sse");
        }
        target.put("enabled", !server.path("disabled").asBoolean(false));
        return target;
    }

    private static void copy(JsonNode from, ObjectNode to, String... keys) {
        for (String key : keys) {
            if (from.has(key)) {
                to.set(key, from.get(key));
            }
        }
    }

    private static String targetName(String serverName) {
        String name = serverName.replaceAll("[^A-Za-z0-9_-]", "-").replaceAll("^[_-]+", "");
        name = name.isEmpty() ? "server" : name;
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
    }
}
