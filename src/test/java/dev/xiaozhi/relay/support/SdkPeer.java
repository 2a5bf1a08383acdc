package dev.xiaozhi.relay.support;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * MCP servers built with the official MCP Java SDK, for tests: over stdio (run as a child process through
 * {@link #main}) or Streamable HTTP (in an embedded Tomcat). {@code add} reports progress when asked and, on its first
 * call, adds a tool {@code multiply}, a prompt {@code farewell} (besides {@code greet}) and a resource
 * {@code peer://uptime} (besides {@code peer://status}), so the server sends its three {@code list_changed}.
 */
public final class SdkPeer implements AutoCloseable {

    private static final String SCHEMA = """
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},"required":["a","b"]}""";

    private final Tomcat tomcat;
    private final McpSyncServer server;

    private SdkPeer(Tomcat tomcat, McpSyncServer server) {
        this.tomcat = tomcat;
        this.server = server;
    }

    /** Serves over stdio until stdin closes or the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        McpJsonMapper mapper = McpJsonDefaults.getMapper();
        AtomicBoolean grown = new AtomicBoolean();
        McpSyncServer[] server = new McpSyncServer[1];
        server[0] = features(McpServer.sync(new StdioServerTransportProvider(mapper)), mapper, grown,
                () -> server[0]).build();
        new CountDownLatch(1).await();
    }

    /** Starts a Streamable HTTP server at {@code http://127.0.0.1:<port>/mcp}. */
    public static SdkPeer startHttp() throws Exception {
        McpJsonMapper mapper = McpJsonDefaults.getMapper();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider
                .builder().jsonMapper(mapper).mcpEndpoint("/mcp").build();
        AtomicBoolean grown = new AtomicBoolean();
        McpSyncServer[] server = new McpSyncServer[1];
        server[0] = features(McpServer.sync(transport), mapper, grown, () -> server[0]).build();
        Tomcat tomcat = new Tomcat();
        tomcat.setPort(0);
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir"));
        tomcat.getConnector();
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
        context.addServletMappingDecoded("/mcp", "mcp");
        tomcat.start();
        return new SdkPeer(tomcat, server[0]);
    }

    /** The Streamable HTTP endpoint. */
    public String url() {
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/mcp";
    }

    @Override
    public void close() throws Exception {
        server.close();
        tomcat.stop();
        tomcat.destroy();
    }

    /** The peer's tools, its prompt {@code greet} and its resource {@code peer://status}. */
    private static <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> features(S spec,
            McpJsonMapper mapper,
            AtomicBoolean grown, Supplier<McpSyncServer> server) {
        return spec.serverInfo("sdk-peer", "1.0.0")
                .capabilities(ServerCapabilities.builder().tools(true).prompts(true).resources(false, true).build())
                .tools(add(mapper, grown, server))
                .prompts(prompt("greet"))
                .resources(resource("peer://status"));
    }

    private static SyncPromptSpecification prompt(String name) {
        return new SyncPromptSpecification(new Prompt(name, name + " someone", List.of()), (exchange, request) ->
                new GetPromptResult(name, List.of(new PromptMessage(Role.USER,
                        new TextContent(name + " from the peer")))));
    }

    private static SyncResourceSpecification resource(String uri) {
        return new SyncResourceSpecification(Resource.builder().uri(uri).name(uri).mimeType("text/plain").build(),
                (exchange, request) -> new ReadResourceResult(List.of(new TextResourceContents(request.uri(),
                        "text/plain", "fine"))));
    }

    private static SyncToolSpecification add(McpJsonMapper mapper, AtomicBoolean grown,
            Supplier<McpSyncServer> server) {
        SyncToolSpecification multiply = new SyncToolSpecification(tool(mapper, "multiply"), (exchange, request) ->
                text(number(request.arguments().get("a")) * number(request.arguments().get("b"))));
        return new SyncToolSpecification(tool(mapper, "add"), (exchange, request) -> {
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            if (token != null) {
                exchange.progressNotification(new ProgressNotification(token, 0.5, 1.0, "halfway"));
            }
            if (grown.compareAndSet(false, true)) {
                server.get().addTool(multiply);
                server.get().addPrompt(prompt("farewell"));
                server.get().addResource(resource("peer://uptime"));
            }
            return text(number(request.arguments().get("a")) + number(request.arguments().get("b")));
        });
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
