package dev.xiaozhi.relay.cli;

import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.SessionChannel;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.SessionTransport;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.node.NodeWiring;
import dev.xiaozhi.relay.ops.RelayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stdio-calculator} (or {@code stdio-builtin --builtin NAME}): a built-in target as a stand-alone MCP server
 * on stdin/stdout (one JSON-RPC message per line), through the same wiring, session and target code the relay
 * uses. Logs go to stderr.
 */
@Command(name = "stdio-calculator", aliases = "stdio-builtin", mixinStandardHelpOptions = true,
        description = "Serves a built-in target's tools as an MCP server over stdio (for mcp_config.json and tests).")
final class StdioBuiltinCommand implements Callable<Integer> {

    private static final String MAX_RESULT_BYTES = "1MiB";

    @Option(names = "--builtin", paramLabel = "NAME", defaultValue = "calculator",
            description = "Which built-in target: calculator (default) or diagnostics.")
    String builtin;

    @Override
    public Integer call() throws Exception {
        String yaml = "server: {maxResultBytes: " + MAX_RESULT_BYTES + "}\n"
                + "targets: {local: {type: builtin, builtin: " + builtin + ", prefix: never}}";
        RelayConfig config = ConfigLoader.parse(yaml, Path.of("."), Map.of());
        TargetConfig target = config.targets().get("local");
        Vertx vertx = Vertx.vertx();
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
        NodeWiring wiring = new NodeWiring(vertx, config, metrics);
        Promise<Void> listed = Promise.promise();
        wiring.catalog().addListener(current -> listed.tryComplete());
        wiring.catalog().start(vertx)
                .compose(v -> vertx.deployVerticle(wiring.targetVerticle(target)))
                .compose(id -> listed.future())
                .await(10, TimeUnit.SECONDS);
        FrontContext front = wiring.frontContext("stdio", () -> 1);
        DeviceIdentity local = DeviceIdentity.unrestricted("local", "stdio");
        SessionHost host = new SessionHost(front, new OneDevice(local), metrics, Duration.ofMinutes(1));
        Context context = vertx.getOrCreateContext();
        StdoutTransport stdout = new StdoutTransport(System.out);
        McpSession session = runOn(context, () -> host.start(vertx).map(v -> host.open(host.admit(local,
                FrontKind.STDIO, "stdio"), local, stdout))).await(10, TimeUnit.SECONDS);
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8
                .newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
                if (!line.isBlank()) {
                    String message = line;
                    context.runOnContext(v -> session.onMessage(message, stdout));
                }
            }
        } catch (IOException e) {
            System.err.println("stdin failed: " + e.getMessage());
        }
        Promise<Void> answered = Promise.promise();
        context.runOnContext(v -> awaitAnswers(vertx, session, answered));
        answered.future().await(target.timeout().toSeconds() + 5, TimeUnit.SECONDS);
        wiring.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        return 0;
    }

    /** Completes once every call read before end of input is answered. */
    private static void awaitAnswers(Vertx vertx, McpSession session, Promise<Void> answered) {
        if (session.pendingCalls() == 0) {
            answered.complete();
        } else {
            vertx.setTimer(10, id -> awaitAnswers(vertx, session, answered));
        }
    }

    /** Runs a step on a context and hands back its result. */
    private static <T> Future<T> runOn(Context context, Supplier<Future<T>> step) {
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> step.get().onComplete(done));
        return done.future();
    }

    /** Writes one message per line to stdout. */
    private record StdoutTransport(PrintStream out) implements SessionTransport, SessionChannel {

        @Override
        public boolean send(String json) {
            synchronized (out) {
                out.print(json);
                out.print('\n');
                out.flush();
            }
            return !out.checkError();
        }

        @Override
        public FrontKind kind() {
            return FrontKind.STDIO;
        }

        @Override
        public String remote() {
            return "stdio";
        }

        @Override
        public SessionChannel notifications() {
            return this;
        }

        @Override
        public void keepAlive(long nowNanos) {
        }

        @Override
        public Future<Void> end(short code, String reason) {
            out.close();
            return Future.succeededFuture();
        }
    }

    /** The one local device, which no registry changes. */
    private record OneDevice(DeviceIdentity identity) implements DeviceDirectory {

        @Override
        public Future<Optional<DeviceIdentity>> authenticate(String token) {
            return Future.succeededFuture(Optional.of(identity));
        }

        @Override
        public Future<Optional<DeviceIdentity>> lookup(String tenant, String device) {
            return Future.succeededFuture(Optional.of(identity));
        }
    }
}
