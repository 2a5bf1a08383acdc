package dev.xiaozhi.relay.auth;

import dev.xiaozhi.relay.model.TokenHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Keeps the hashes of tokens the relay generated for devices configured without one, under
 * {@code <stateDir>/tokens/<tenant>.<device>.sha256}, so a restart keeps the token valid. The plain token is never
 * written. Blocking file I/O: call before the event loops start.
 */
public final class GeneratedTokenStore {

    private final Path directory;

    /** @param stateDir the node's state directory */
    public GeneratedTokenStore(Path stateDir) {
        this.directory = stateDir.resolve("tokens");
    }

    /** The kept hash for a device, if one was generated before. */
    public Optional<TokenHash> find(String tenant, String device) {
        Path file = file(tenant, device);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(TokenHash.parse(Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("corrupt token hash file " + file + ": " + e.getMessage()
                    + "; delete it to generate a new token", e);
        }
    }

    /** Generates a token for a device, keeps its hash and returns the plain token (to be shown once). */
    public String generate(String tenant, String device) {
        String token = Tokens.generateToken();
        Path file = file(tenant, device);
        try {
            Files.createDirectories(directory);
            Files.writeString(file, TokenHash.ofPlain(token) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            restrictToOwner(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return token;
    }

    /** Where a device's hash is kept. */
    public Path file(String tenant, String device) {
        return directory.resolve(tenant + "." + device + ".sha256");
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions stay
        }
    }
}
