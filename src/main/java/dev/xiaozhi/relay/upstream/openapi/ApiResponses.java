package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.ToolReply;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.ToolResults;
import dev.xiaozhi.relay.upstream.UpstreamCallException;
import dev.xiaozhi.relay.upstream.http.BoundedBody;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns an API response into an MCP result: JSON as compact text, and as {@code structuredContent} when it is an
 * object; other text as it is; a status outside 2xx as a failed call whose result, shown to the device, is a tool
 * error with the status and a short excerpt of the body, and whose outcome tells the breaker whether the API failed
 * (5xx) or answered (any other status). The front cuts results over its cap cleanly.
 */
final class ApiResponses {

    private static final int EXCERPT_CHARS = 300;

    private ApiResponses() {
    }

    static Future<ToolReply> reply(int status, String contentType, Buffer body) {
        if (status < 200 || status >= 300) {
            String excerpt = BoundedBody.excerpt(body, EXCERPT_CHARS);
            String text = "HTTP " + status + " " + reason(status) + (excerpt.isEmpty() ? "" : ": " + excerpt);
            return Future.failedFuture(UpstreamCallException.ofHttpStatus(status, text, ToolResults.error(text)));
        }
        return Future.succeededFuture(success(status, contentType, body));
    }

    private static ToolReply success(int status, String contentType, Buffer body) {
        if (body.length() == 0) {
            return new ToolReply(ToolResults.text("HTTP " + status + " " + reason(status)), false);
        }
        JsonNode json = json(contentType, body);
        if (json == null) {
            return new ToolReply(ToolResults.text(body.toString(StandardCharsets.UTF_8)), false);
        }
        String compact = json.toString();
        return new ToolReply(json.isObject() ? ToolResults.text(compact, compact) : ToolResults.text(compact), false);
    }

    private static JsonNode json(String contentType, Buffer body) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (!type.isEmpty() && !type.contains("json")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    private static String reason(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase();
    }
}
