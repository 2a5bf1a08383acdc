package dev.xiaozhi.relay.config;

/**
 * AWS Signature Version 4 for an HTTP target; credentials come from the AWS SDK's default chain.
 *
 * @param service signing name, {@code bedrock-agentcore} for AgentCore Gateway
 * @param region  signing region
 */
public record SigV4Config(String service, String region) {

    /** The signing name of AgentCore Gateway. */
    public static final String AGENTCORE_SERVICE = "bedrock-agentcore";
}
