package dev.xiaozhi.relay.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts device endpoints at rest (the URL holds the Xiaozhi token) with AES-256-GCM: {@code v1:<base64 of iv and
 * ciphertext>}, a fresh 96-bit IV each time. It may also know a previous key, which only decrypts: the key a node
 * generated in its state directory before {@code registry.encryptionKey} was configured (the previous release's
 * clusters shared the first member's such key through Hazelcast), so that endpoints encrypted with it are
 * re-encrypted with the configured key on start.
 */
public final class EndpointCipher {

    private static final String VERSION = "v1:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Optional<SecretKeySpec> previous;

    /**
     * @param key 32 bytes
     * @throws IllegalArgumentException for a key of another length
     */
    public EndpointCipher(byte[] key) {
        this(key, Optional.empty());
    }

    private EndpointCipher(byte[] key, Optional<byte[]> previous) {
        this.key = spec(key);
        this.previous = previous.map(EndpointCipher::spec);
    }

    private static SecretKeySpec spec(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the registry encryption key must be 32 bytes (base64: 44 characters)");
        }
        return new SecretKeySpec(key.clone(), "AES");
    }

    /** A new random key. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /**
     * The cipher of a configured key (base64), with the key kept in {@code keyFile} as its previous key when there is
     * one; or else of the key kept in {@code keyFile}, generated there (readable by the owner only) on first use.
     * Blocking file I/O.
     */
    public static EndpointCipher of(Optional<String> configured, Path keyFile) {
        if (configured.isPresent()) {
            return new EndpointCipher(Base64.getDecoder().decode(configured.get()), previousKey(keyFile));
        }
        try {
            if (Files.exists(keyFile)) {
                return new EndpointCipher(Base64.getDecoder().decode(Files.readString(keyFile).trim()));
            }
            byte[] key = newKey();
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            return new EndpointCipher(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the registry key " + keyFile, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the registry key " + keyFile + " is not base64 of 32 bytes", e);
        }
    }

    /** The key a node generated before one was configured, while its file is there; one that is no key is left. */
    private static Optional<byte[]> previousKey(Path keyFile) {
        try {
            if (Files.exists(keyFile)) {
                byte[] key = Base64.getDecoder().decode(Files.readString(keyFile).trim());
                return key.length == KEY_BYTES ? Optional.of(key) : Optional.empty();
            }
        } catch (IOException | IllegalArgumentException notAKey) {
            // nothing was encrypted with it
        }
        return Optional.empty();
    }

    /** The encrypted form of a text. */
    public String encrypt(String plain) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return VERSION + Base64.getEncoder().encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length)
                    .put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("endpoint encryption failed", e);
        }
    }

    /**
     * The plain text of an encrypted one.
     *
     * @throws IllegalStateException when it was not encrypted with this key (the text is not repeated)
     */
    public String decrypt(String sealed) {
        return decrypt(sealed, key).or(() -> previous.flatMap(old -> decrypt(sealed, old))).orElseThrow(
                () -> new IllegalStateException("endpoint cannot be decrypted: wrong registry encryption key?"));
    }

    /**
     * The text encrypted with this cipher's key when only its previous key opens it; empty when the key opens it
     * already, or neither does.
     */
    public Optional<String> reencrypted(String sealed) {
        if (previous.isEmpty() || decrypt(sealed, key).isPresent()) {
            return Optional.empty();
        }
        return decrypt(sealed, previous.get()).map(this::encrypt);
    }

    private static Optional<String> decrypt(String sealed, SecretKeySpec with) {
        if (!sealed.startsWith(VERSION)) {
            throw new IllegalStateException("unknown endpoint encryption format");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, with, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            return Optional.of(new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES),
                    StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
