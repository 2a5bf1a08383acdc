package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.auth.Tokens;
import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.config.AdminConfig;
import dev.xiaozhi.relay.model.TokenHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The admin API's tokens: the configured ones (hashes), or, when none are configured, one local token kept in
 * {@value #FILE} under the state directory, readable by its owner only, created on first start. The command line
 * on the same machine reads that file, the way a local client reads its credentials file.
 */
public final class AdminTokens {

    /** The local token's file name under the state directory. */
    public static final String FILE = "admin.token";
    /** The local token's name in the audit log. */
    public static final String LOCAL = "local";

    private AdminTokens() {
    }

    /** The tokens to accept; blocking file I/O when none are configured. */
    public static List<AdminToken> resolve(AdminConfig config, Path stateDir) {
        if (!config.tokens().isEmpty()) {
            return List.copyOf(config.tokens().values());
        }
        Path file = stateDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(stateDir);
                Files.writeString(file, Tokens.generateToken() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return List.of(new AdminToken(LOCAL, TokenHash.ofPlain(Files.readString(file).trim()), false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local admin token " + file, e);
        }
    }
}
