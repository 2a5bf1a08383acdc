package dev.xiaozhi.relay.support;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PEM files for {@code cluster.tls}: a self-signed certificate made by the JDK's {@code keytool} (a real process),
 * which is also the CA, so that every member of a test cluster that shares it trusts exactly the others.
 *
 * @param key  this member's private key (PKCS#8)
 * @param cert its certificate
 * @param ca   the CA certificate (the same one)
 */
public record ClusterCertificates(Path key, Path cert, Path ca) {

    private static final String PASSWORD = "test-only";
    private static final String ALIAS = "member";

    /** Generates a key and a self-signed CA certificate named {@code name} under {@code dir}. */
    public static ClusterCertificates generate(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-dname",
                "CN=" + name, "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Path key = dir.resolve(name + ".key.pem");
        Path cert = dir.resolve(name + ".cert.pem");
        Files.writeString(key, pem("PRIVATE KEY", keys.getKey(ALIAS, PASSWORD.toCharArray()).getEncoded()));
        Files.writeString(cert, pem("CERTIFICATE", keys.getCertificate(ALIAS).getEncoded()));
        return new ClusterCertificates(key, cert, cert);
    }

    /** The {@code cluster.tls} entry of relay.yaml, as one YAML line. */
    public String yaml() {
        return "tls: {key: \"%s\", cert: \"%s\", ca: \"%s\"}".formatted(key, cert, ca);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
