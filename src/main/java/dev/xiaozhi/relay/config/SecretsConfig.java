package dev.xiaozhi.relay.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@code ${aws-sm:...}} references are looked up, and how long resolved values are kept.
 *
 * @param awsRegion   region of the Secrets Manager client; the AWS SDK's default region chain when empty
 * @param awsEndpoint endpoint override (a VPC endpoint, a local test server); the region's endpoint when empty
 * @param cacheTtl    how long a value read from Secrets Manager is reused before it is read again
 */
public record SecretsConfig(Optional<String> awsRegion, Optional<URI> awsEndpoint, Duration cacheTtl) {

    /** Default time a Secrets Manager value is cached. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    /** The SDK's region and endpoint, values cached for five minutes. */
    public static final SecretsConfig DEFAULT = new SecretsConfig(Optional.empty(), Optional.empty(),
            DEFAULT_CACHE_TTL);

    static SecretsConfig from(ConfigNode node) {
        node.object("awsRegion", "awsEndpoint", "cacheTtl");
        return new SecretsConfig(node.optionalString("awsRegion"), node.httpUrl("awsEndpoint"),
                node.duration("cacheTtl", DEFAULT_CACHE_TTL));
    }
}
