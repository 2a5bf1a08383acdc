package dev.xiaozhi.relay.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A local AWS Secrets Manager that speaks the service's JSON protocol for {@code GetSecretValue}: it answers the
 * SDK's real, signed requests from a map of secrets and records each request it received.
 */
public final class FakeSecretsManager implements AutoCloseable {

    /** A request as the server saw it. */
    public record Received(String target, String contentType, String authorization, String secretId) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private FakeSecretsManager(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    /** Starts a server on a free loopback port. */
    public static FakeSecretsManager start() throws Exception {
        return new FakeSecretsManager(Vertx.vertx());
    }

    /** Stores a secret's text under a name. */
    public FakeSecretsManager put(String name, String secretString) {
        secrets.put(name, secretString);
        return this;
    }

    /** The endpoint to configure as {@code secrets.awsEndpoint}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    /** The requests received so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(body.getBytes());
            } catch (IOException e) {
                request.response().setStatusCode(400).end();
                return;
            }
            String secretId = json.path("SecretId").asText();
            received.add(new Received(request.getHeader("X-Amz-Target"), request.getHeader("Content-Type"),
                    request.getHeader("Authorization"), secretId));
            String value = secrets.get(secretId);
            if (value == null) {
                request.response().setStatusCode(400).putHeader("Content-Type", "application/x-amz-json-1.1")
                        .putHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                        .end("{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the "
                                + "specified secret.\"}");
                return;
            }
            request.response().putHeader("Content-Type", "application/x-amz-json-1.1")
                    .end(Json.MAPPER.createObjectNode().put("ARN", "arn:aws:secretsmanager:us-west-2:123456789012:"
                            + "secret:" + secretId + "-AbCdEf").put("Name", secretId).put("SecretString", value)
                            .put("VersionId", "v1").put("CreatedDate", 1.7e9).toString());
        });
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
