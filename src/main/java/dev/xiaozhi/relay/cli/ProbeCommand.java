package dev.xiaozhi.relay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.client.McpClient;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.protocol.McpVersions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code probe URL [--call NAME --args JSON]}: connects to a relay as an MCP client over WebSocket ({@code ws(s)://})
 * or Streamable HTTP ({@code http(s)://}), runs the handshake the Xiaozhi cloud runs (at 2025-06-18 over HTTP, the
 * first revision with a Streamable HTTP transport of its own), prints the catalog and optionally calls one tool.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Connects to an MCP endpoint (WebSocket or Streamable HTTP), lists its tools and optionally "
                + "calls one.")
final class ProbeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", description = "e.g. ws://localhost:8080/mcp?token=xzr_... or "
            + "http://localhost:8080/mcp?token=xzr_...")
    String url;

    @Option(names = "--call", paramLabel = "NAME", description = "Tool to call after listing.")
    String call;

    @Option(names = "--args", paramLabel = "JSON", defaultValue = "{}", description = "Arguments object of the call.")
    String args;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "35", description = "Per-step timeout.")
    long timeoutSeconds;

    @Option(names = "--insecure", description = "Accept any TLS certificate (self-signed test set-ups).")
    boolean insecure;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        JsonNode arguments = parseArguments();
        if (arguments == null) {
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        try {
            return run(vertx, arguments);
        } catch (UpgradeRejectedException e) {
            System.err.println(e.getStatus() == 401 ? "unauthorized: the relay refused the token (HTTP 401)"
                    : "connection refused by the server (HTTP " + e.getStatus() + ")");
            return 1;
        } catch (TimeoutException e) {
            System.err.println("no answer within " + timeoutSeconds + " s");
            return 1;
        } finally {
            vertx.close().await();
        }
    }

    private int run(Vertx vertx, JsonNode arguments) throws TimeoutException {
        McpClient client = await(McpClient.connect(vertx, url, insecure));
        String version = McpClient.isHttp(url) ? McpVersions.V2025_06_18 : McpVersions.V2024_11_05;
        JsonNode init = await(client.request("initialize", "{\"protocolVersion\":\"" + version
                + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"xiaozhi-relay-probe\",\"version\":\"1\"}}"));
        if (failed("initialize", init)) {
            return 1;
        }
        JsonNode result = init.get("result");
        out.println("connected: " + result.path("serverInfo").path("name").asText() + " "
                + result.path("serverInfo").path("version").asText() + ", protocol "
                + result.path("protocolVersion").asText());
        client.notify("notifications/initialized", null);
        String cursor = null;
        int count = 0;
        do {
            JsonNode list = await(client.request("tools/list",
                    cursor == null ? "{}" : "{\"cursor\":" + Json.quote(cursor) + "}"));
            if (failed("tools/list", list)) {
                return 1;
            }
            for (JsonNode tool : list.path("result").path("tools")) {
                count++;
                out.println("  " + tool.path("name").asText() + "  " + firstLine(tool.path("description").asText()));
            }
            cursor = list.path("result").path("nextCursor").textValue();
        } while (cursor != null);
        out.println(count + " tools");
        if (call == null) {
            client.close();
            return 0;
        }
        JsonNode response = await(client.request("tools/call",
                "{\"name\":" + Json.quote(call) + ",\"arguments\":" + arguments + "}"));
        client.close();
        if (failed("tools/call", response)) {
            return 1;
        }
        JsonNode callResult = response.get("result");
        boolean isError = callResult.path("isError").asBoolean(false);
        out.println(isError ? "tool error:" : "result:");
        for (JsonNode item : callResult.path("content")) {
            out.println("  " + ("text".equals(item.path("type").asText()) ? item.path("text").asText()
                    : "[" + item.path("type").asText() + "]"));
        }
        return isError ? 3 : 0;
    }

    private JsonNode parseArguments() {
        try {
            JsonNode parsed = Json.parse(args);
            if (parsed.isObject()) {
                return parsed;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        System.err.println("--args must be a JSON object, e.g. '{\"expression\":\"1+2\"}'");
        return null;
    }

    private boolean failed(String step, JsonNode response) {
        if (response.has("error")) {
            System.err.println(step + " failed: " + response.get("error").path("message").asText()
                    + " (" + response.get("error").path("code").asInt() + ")");
            return true;
        }
        return false;
    }

    private <T> T await(Future<T> future) throws TimeoutException {
        return future.await(timeoutSeconds, TimeUnit.SECONDS);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() <= 100 ? line : line.substring(0, 100) + "…";
    }
}
