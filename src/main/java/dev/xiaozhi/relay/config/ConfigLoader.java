package dev.xiaozhi.relay.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads and validates the YAML configuration. */
public final class ConfigLoader {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /**
     * Loads a config file; references resolve against {@code env} and the file's directory.
     *
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static RelayConfig load(Path file, Map<String, String> env) {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getClass().getSimpleName());
        }
        Path baseDir = file.toAbsolutePath().getParent();
        return parse(yaml, baseDir, env);
    }

    /**
     * Parses a configuration held in a string.
     *
     * @param baseDir directory that relative file paths resolve against
     * @throws ConfigException when the text is not a valid configuration
     */
    public static RelayConfig parse(String yaml, Path baseDir, Map<String, String> env) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("invalid YAML at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        References references = new References(baseDir, env);
        return RelayConfig.from(new ConfigNode(tree == null || tree.isMissingNode() ? null : tree, "", references),
                baseDir);
    }
}
