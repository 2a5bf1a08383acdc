package dev.xiaozhi.relay.support;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An MCP server built with the official MCP Java SDK, run by tests as a stdio child process: {@code add} reports
 * progress when asked and, on its first call, adds a tool {@code multiply} (so the server sends
 * {@code notifications/tools/list_changed}).
 */
public final class SdkStdioServer {

    private static final String SCHEMA = """
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""";

    private SdkStdioServer() {
    }

    /** Serves until stdin closes. */
    public static void main(String[] args) throws InterruptedException {
        McpJsonMapper mapper = McpJsonDefaults.getMapper();
        AtomicBoolean grown = new AtomicBoolean();
        McpSyncServer[] server = new McpSyncServer[1];
        SyncToolSpecification multiply = new SyncToolSpecification(tool(mapper, "multiply"), (exchange, request) ->
                text(number(request.arguments().get("a")) * number(request.arguments().get("b"))));
        SyncToolSpecification add = new SyncToolSpecification(tool(mapper, "add"), (exchange, request) -> {
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            if (token != null) {
                exchange.progressNotification(new ProgressNotification(token, 0.5, 1.0, "halfway"));
            }
            if (grown.compareAndSet(false, true)) {
                server[0].addTool(multiply);
            }
            return text(number(request.arguments().get("a")) + number(request.arguments().get("b")));
        });
        server[0] = McpServer.sync(new StdioServerTransportProvider(mapper))
                .serverInfo("sdk-peer", "1.0.0")
                .capabilities(ServerCapabilities.builder().tools(true).build())
                .tools(add)
                .build();
        new CountDownLatch(1).await();
    }

    private static Tool tool(McpJsonMapper mapper, String name) {
        return Tool.builder().name(name).description(name + " two numbers").inputSchema(mapper, SCHEMA).build();
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    private static CallToolResult text(double value) {
        return CallToolResult.builder().addTextContent(Double.toString(value)).build();
    }
}
