package dev.xiaozhi.relay.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;

/** Calls the admin API of a relay over real HTTP. */
public final class AdminClient {

    private final WebClient client;
    private final int port;
    private final String token;

    /** A client of the admin API on a port, with a bearer token (null for none). */
    public AdminClient(Vertx vertx, int port, String token) {
        this.client = WebClient.create(vertx);
        this.port = port;
        this.token = token;
    }

    /** Sends a request under {@code /admin/v1} with an optional JSON body and waits for the answer. */
    public HttpResponse<Buffer> send(HttpMethod method, String path, Object body) throws Exception {
        return sendAsync(method, path, body).await(10, TimeUnit.SECONDS);
    }

    /** Sends a request under {@code /admin/v1} with an optional JSON body. */
    public Future<HttpResponse<Buffer>> sendAsync(HttpMethod method, String path, Object body) {
        HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", "/admin/v1" + path);
        if (token != null) {
            request.bearerTokenAuthentication(token);
        }
        return body == null ? request.send()
                : request.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(
                        body instanceof JsonObject json ? json.encode() : body.toString()));
    }

    /** GET. */
    public HttpResponse<Buffer> get(String path) throws Exception {
        return send(HttpMethod.GET, path, null);
    }

    /** POST with a JSON body (null for none). */
    public HttpResponse<Buffer> post(String path, Object body) throws Exception {
        return send(HttpMethod.POST, path, body);
    }
}
