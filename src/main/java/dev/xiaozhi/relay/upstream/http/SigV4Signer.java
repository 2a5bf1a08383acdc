package dev.xiaozhi.relay.upstream.http;

import dev.xiaozhi.relay.config.SigV4Config;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Signs HTTP requests with AWS Signature Version 4 (payload signing on) through the AWS SDK's signer, with
 * credentials from a provider (by default the SDK's chain: environment, profile/SSO, web identity, container,
 * instance metadata; refreshed by the provider). Resolving credentials may block: call off the event loop.
 */
public final class SigV4Signer {

    private final SigV4Config config;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** A signer with explicit credentials and clock (fixed ones in tests). */
    public SigV4Signer(SigV4Config config, AwsCredentialsProvider credentials, Clock clock) {
        this.config = config;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** A signer with the SDK's default credentials chain and the system clock. */
    public static SigV4Signer withDefaultCredentials(SigV4Config config) {
        return new SigV4Signer(config, DefaultCredentialsProvider.builder().build(), Clock.systemUTC());
    }

    /**
     * Signs a request and returns every header it must carry, the signature headers included.
     *
     * @param headers the headers to sign besides {@code Host}
     */
    public Map<String, List<String>> sign(String method, URI uri, Map<String, String> headers, byte[] body) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach(request::putHeader);
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, config.service())
                .putProperty(AwsV4HttpSigner.REGION_NAME, config.region())
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        return signed.request().headers();
    }
}
