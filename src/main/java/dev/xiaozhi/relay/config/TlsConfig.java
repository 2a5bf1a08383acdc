package dev.xiaozhi.relay.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for the device port.
 *
 * @param cert PEM certificate chain
 * @param key  PEM private key
 */
public record TlsConfig(Path cert, Path key) {

    static TlsConfig from(ConfigNode node, Path baseDir) {
        node.object("cert", "key");
        return new TlsConfig(existing(node, "cert", baseDir), existing(node, "key", baseDir));
    }

    private static Path existing(ConfigNode node, String key, Path baseDir) {
        Path file = baseDir.resolve(node.requiredString(key));
        if (!Files.isReadable(file)) {
            throw node.child(key).error("file not found: " + file);
        }
        return file;
    }
}
