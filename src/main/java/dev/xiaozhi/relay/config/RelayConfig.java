package dev.xiaozhi.relay.config;

import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.TokenHash;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a node: one immutable tree, validated once before anything is deployed.
 *
 * @param node    the node itself
 * @param server  the device port
 * @param admin   the admin port
 * @param pipes       the outbound pipes to the Xiaozhi cloud
 * @param cluster     whether and how the node joins a cluster
 * @param secrets     where secret references are looked up
 * @param targets     the targets by name
 * @param tenants     the tenants by id
 * @param environment the environment the file's references were read with, which secret values resolve against
 * @param registry    where the registry of tenants and devices is kept
 */
public record RelayConfig(NodeConfig node, ServerConfig server, AdminConfig admin, PipesConfig pipes,
        ClusterConfig cluster, SecretsConfig secrets, Map<String, TargetConfig> targets,
        Map<String, TenantConfig> tenants, Map<String, String> environment, RegistryConfig registry) {

    /** The entry of {@code targets} that includes {@code mcp_config.json} files instead of naming a target. */
    public static final String INCLUDE = "include";

    static RelayConfig from(ConfigNode root, Path baseDir) {
        root.object("node", "server", "admin", "pipes", "cluster", "secrets", "targets", "tenants", "registry");
        Map<String, TargetConfig> targets = new LinkedHashMap<>();
        root.entries("targets").forEach((name, target) -> {
            if (INCLUDE.equals(name)) {
                include(targets, target, baseDir);
            } else {
                targets.put(name, TargetConfig.from(name, target, baseDir));
            }
        });
        Map<String, TenantConfig> tenants = new LinkedHashMap<>();
        root.entries("tenants").forEach((id, tenant) -> tenants.put(id, TenantConfig.from(id, tenant)));
        requireDistinctTokens(tenants, targets);
        NodeConfig node = NodeConfig.from(root.child("node"));
        return new RelayConfig(node, ServerConfig.from(root.child("server"), baseDir),
                AdminConfig.from(root.child("admin")), PipesConfig.from(root.child("pipes")),
                ClusterConfig.from(root.child("cluster"), baseDir), SecretsConfig.from(root.child("secrets")),
                Collections.unmodifiableMap(targets), Collections.unmodifiableMap(tenants), root.environment(),
                RegistryConfig.from(root.child("registry"), node.stateDir()));
    }

    /**
     * Adds the targets of the {@code mcp_config.json} files of {@code targets.include}: one file, a list of them, or
     * {@code {files: FILE or [FILE, …], prefix: always|conditional|never}} (prefix {@code always} by default).
     */
    private static void include(Map<String, TargetConfig> targets, ConfigNode include, Path baseDir) {
        ConfigNode files = include;
        PrefixMode prefix = PrefixMode.ALWAYS;
        if (include.isMapping()) {
            include.object("files", "prefix");
            files = include.child("files");
            prefix = include.oneOf("prefix", TargetConfig.PREFIXES, PrefixMode.ALWAYS);
            if (!files.isPresent()) {
                throw files.error("required; the mcp_config.json files to include");
            }
        }
        for (String file : files.stringList(null, List.of())) {
            addAll(targets, McpConfigImport.read(baseDir.resolve(file), include.environment(), prefix, List.of()),
                    files);
        }
    }

    /**
     * This configuration with the targets of an {@code mcp_config.json} added.
     *
     * @param prefix how the tool names of the file's servers are prefixed
     */
    public RelayConfig withMcpConfig(Path file, Map<String, String> env, PrefixMode prefix) {
        return withMcpConfig(file, env, prefix, List.of());
    }

    /**
     * This configuration with the targets of an {@code mcp_config.json} added, whose stdio servers inherit
     * {@code inheritEnv} of the relay's environment (see {@link StdioTargetSpec}).
     *
     * @param prefix how the tool names of the file's servers are prefixed
     */
    public RelayConfig withMcpConfig(Path file, Map<String, String> env, PrefixMode prefix, List<String> inheritEnv) {
        Map<String, TargetConfig> merged = new LinkedHashMap<>(targets);
        McpConfigImport.read(file, env, prefix, inheritEnv).forEach((name, target) -> {
            if (merged.putIfAbsent(name, target) != null) {
                throw new ConfigException("include " + file + ": target '" + name + "' is already defined");
            }
        });
        return new RelayConfig(node, server, admin, pipes, cluster, secrets, Collections.unmodifiableMap(merged),
                tenants, environment, registry);
    }

    private static void addAll(Map<String, TargetConfig> targets, Map<String, TargetConfig> included,
            ConfigNode where) {
        included.forEach((name, target) -> {
            if (targets.putIfAbsent(name, target) != null) {
                throw where.error("target '" + name + "' is already defined");
            }
        });
    }

    /** This configuration with another device port. */
    public RelayConfig withServerPort(int port) {
        return new RelayConfig(node, server.withPort(port), admin, pipes, cluster, secrets, targets, tenants,
                environment, registry);
    }

    /** This configuration with clustering switched on. */
    public RelayConfig withCluster() {
        return new RelayConfig(node, server, admin, pipes, cluster.enable(), secrets, targets, tenants, environment,
                registry);
    }

    /** This configuration with another admin port. */
    public RelayConfig withAdminPort(int port) {
        return new RelayConfig(node, server, admin.withPort(port), pipes, cluster, secrets, targets, tenants,
                environment, registry);
    }

    private static void requireDistinctTokens(Map<String, TenantConfig> tenants, Map<String, TargetConfig> targets) {
        Map<TokenHash, String> owners = new HashMap<>();
        targets.values().forEach(target -> {
            if (target.spec() instanceof ProviderTargetSpec provider
                    && owners.putIfAbsent(provider.tokenHash(), "targets." + target.name()) != null) {
                throw new ConfigException("targets." + target.name() + ": same token as "
                        + owners.get(provider.tokenHash()));
            }
        });
        for (TenantConfig tenant : tenants.values()) {
            for (DeviceConfig device : tenant.devices().values()) {
                String path = "tenants." + tenant.id() + ".devices." + device.id();
                device.tokenHash().ifPresent(hash -> {
                    String owner = owners.putIfAbsent(hash, path);
                    if (owner != null) {
                        throw new ConfigException(path + ": same token as " + owner);
                    }
                });
            }
        }
    }
}
