package dev.xiaozhi.relay.node;

import dev.xiaozhi.relay.admin.AdminTokens;
import dev.xiaozhi.relay.auth.ConfiguredDevices;
import dev.xiaozhi.relay.auth.GeneratedTokenStore;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.config.RegistryConfig;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.registry.EndpointCipher;
import java.util.Base64;
import java.util.List;

/**
 * What a node reads from (or creates in) its state directory before it starts: configured devices' token hashes,
 * the key that encrypts device endpoints, the admin tokens.
 *
 * @param devices     the configured devices, generated tokens included
 * @param cipher      encrypts device endpoints at rest (a cluster may share another one instead)
 * @param adminTokens the admin API's tokens
 */
record StateDirectory(ConfiguredDevices devices, EndpointCipher cipher, List<AdminToken> adminTokens) {

    /** Reads it; blocking file I/O, never on an event loop. */
    static StateDirectory load(RelayConfig config) {
        EndpointCipher cipher = config.registry().store() == RegistryConfig.StoreKind.MEMORY
                ? config.registry().encryptionKey().map(key -> new EndpointCipher(Base64.getDecoder().decode(key)))
                        .orElseGet(() -> new EndpointCipher(EndpointCipher.newKey()))
                : EndpointCipher.of(config.registry().encryptionKey(),
                        config.node().stateDir().resolve("registry").resolve("endpoint.key"));
        return new StateDirectory(ConfiguredDevices.load(config, new GeneratedTokenStore(config.node().stateDir())),
                cipher, AdminTokens.resolve(config.admin(), config.node().stateDir()));
    }
}
