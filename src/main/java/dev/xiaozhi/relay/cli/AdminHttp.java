package dev.xiaozhi.relay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small blocking client of the admin API for the command line (never used on an event loop). A failed call
 * becomes an {@link IllegalStateException} with the API's message and field messages.
 */
final class AdminHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    private final String token;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    AdminHttp(String base, String token) {
        this.base = base;
        this.token = token;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/admin/v1" + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach the admin API at " + base + "; is the relay running?");
        } catch (IOException e) {
            throw new IllegalStateException("admin API at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 300) {
            StringBuilder message = new StringBuilder(json.path("message").asText("HTTP " + response.statusCode()));
            json.path("fields").fields().forEachRemaining(field -> message.append("\n  ").append(field.getKey())
                    .append(": ").append(field.getValue().asText()));
            throw new IllegalStateException(message.toString());
        }
        return json;
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
