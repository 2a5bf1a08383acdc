package dev.xiaozhi.relay.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent SigV4 implementation, written from the published algorithm (canonical request, string to sign,
 * derived key), to check what the relay's signer produces.
 */
public final class SigV4Verifier {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
                    + "SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private final String accessKey;
    private final String secretKey;

    /** A verifier knowing one key pair. */
    public SigV4Verifier(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** The signature the algorithm gives for a request, given the headers (lowercase names) it signs. */
    public String signature(String method, String path, String query, Map<String, String> signedHeaders,
            byte[] body, String amzDate, String region, String service) {
        String canonicalRequest = canonicalRequest(method, path, query, signedHeaders, body);
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest
                .getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), amzDate.substring(0, 8));
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    /** The canonical request of the algorithm. */
    public static String canonicalRequest(String method, String path, String query, Map<String, String> headers,
            byte[] body) {
        Map<String, String> sorted = new TreeMap<>(headers);
        StringBuilder canonicalHeaders = new StringBuilder();
        sorted.forEach((name, value) -> canonicalHeaders.append(name).append(':').append(value.trim()).append('\n'));
        return method + "\n" + path + "\n" + query + "\n" + canonicalHeaders + "\n" + String.join(";", sorted.keySet())
                + "\n" + hex(sha256(body));
    }

    /**
     * Whether a received request carries a valid signature for this key pair.
     *
     * @param header a function from lowercase header name to value
     */
    public boolean verify(String method, String path, String query, Function<String, String> header,
            byte[] body) {
        String authorization = header.apply("authorization");
        if (authorization == null) {
            return false;
        }
        Matcher matcher = AUTHORIZATION.matcher(authorization);
        if (!matcher.matches() || !matcher.group(1).equals(accessKey)) {
            return false;
        }
        Map<String, String> signed = new TreeMap<>();
        for (String name : matcher.group(5).split(";")) {
            String value = header.apply(name);
            if (value == null) {
                return false;
            }
            signed.put(name, value);
        }
        String contentHash = header.apply("x-amz-content-sha256");
        if (contentHash != null && !contentHash.equals(hex(sha256(body)))) {
            return false;
        }
        String expected = signature(method, path, query, signed, body, header.apply("x-amz-date"), matcher.group(3),
                matcher.group(4));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                matcher.group(6).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
