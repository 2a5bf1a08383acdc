package dev.xiaozhi.relay.upstream.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.SigV4Config;
import dev.xiaozhi.relay.support.SigV4Verifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Verifies the SigV4 signing of requests to AgentCore Gateway against an independent derivation. */
class SigV4SignerTest {

    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

    private final SigV4Signer signer = new SigV4Signer(new SigV4Config("bedrock-agentcore", "us-west-2"),
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)), CLOCK);

    /**
     * Verifies that for fixed credentials and a fixed clock the signed headers, the canonical request and the
     * signature are exactly what the published algorithm gives.
     */
    @Test
    void signsLikeThePublishedAlgorithm() throws Exception {
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("https://gw-1.gateway.bedrock-agentcore.us-west-2.amazonaws.com/mcp");

        Map<String, List<String>> headers = signer.sign("POST", uri, Map.of("content-type", "application/json"), body);

        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.put(name.toLowerCase(), values.get(0)));
        assertThat(lower).containsEntry("x-amz-date", "20150830T123600Z")
                .containsEntry("host", "gw-1.gateway.bedrock-agentcore.us-west-2.amazonaws.com")
                .containsEntry("x-amz-content-sha256",
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
        Map<String, String> signedHeaders = new TreeMap<>(Map.of(
                "content-type", "application/json",
                "host", lower.get("host"),
                "x-amz-content-sha256", lower.get("x-amz-content-sha256"),
                "x-amz-date", "20150830T123600Z"));
        String expectedSignature = new SigV4Verifier(ACCESS_KEY, SECRET_KEY).signature("POST", "/mcp", "",
                signedHeaders, body, "20150830T123600Z", "us-west-2", "bedrock-agentcore");
        assertThat(lower.get("authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/"
                + "bedrock-agentcore/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
                + "Signature=" + expectedSignature);
        assertThat(SigV4Verifier.canonicalRequest("POST", "/mcp", "", signedHeaders, body))
                .startsWith("POST\n/mcp\n\ncontent-type:application/json\n");
    }

    /** Verifies the published test-suite case get-vanilla with the independent derivation. */
    @Test
    void reproducesThePublishedGetVanillaSignature() {
        String signature = new SigV4Verifier(ACCESS_KEY, SECRET_KEY).signature("GET", "/", "",
                Map.of("host", "example.amazonaws.com", "x-amz-date", "20150830T123600Z"), new byte[0],
                "20150830T123600Z", "us-east-1", "service");

        assertThat(signature).isEqualTo("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }
}
