package dev.xiaozhi.relay.bench;

import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.RelayProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark of the packaged relay, run as its own process: heap per idle device session (measured with
 * {@code jcmd GC.heap_info} after a full GC, before and after opening the sessions) and the latency and throughput of
 * {@code diagnostics___echo} calls through the whole path (WebSocket, session, event bus, target verticle). Not a
 * test: run it with the command in the README.
 */
public final class RelayBenchmark {

    private static final String TOKEN = "xzr_benchmark";
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private RelayBenchmark() {
    }

    /** Args: [sessions] [callers] [calls per caller]. */
    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path dir = Files.createTempDirectory("relay-bench");
        Path config = dir.resolve("relay.yaml");
        Files.writeString(config, """
                node: {stateDir: %s}
                server: {host: 127.0.0.1, port: 0}
                admin: {port: 0}
                targets:
                  diagnostics: {type: builtin, builtin: diagnostics, maxConcurrent: 10000}
                tenants:
                  bench: {devices: {d: {tokenHash: "%s"}}}
                """.formatted(dir, TokenHash.ofPlain(TOKEN)));
        Vertx vertx = Vertx.vertx();
        try (RelayProcess relay = RelayProcess.start(Map.of(), "--config", config.toString())) {
            int port = relay.awaitReady()[0];
            long pid = relay.process().pid();
            WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setMaxConnections(sessions + callers));
            warmUp(client, port, callers);
            long before = usedHeapKb(pid);
            List<WebSocket> open = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                open.add(session(client, port).await(30, TimeUnit.SECONDS));
            }
            long after = usedHeapKb(pid);
            System.out.printf("sessions: %d, heap before %d KiB, after %d KiB: %.1f KiB per session%n", sessions,
                    before, after, (after - before) / (double) sessions);
            Future.join(open.stream().map(WebSocket::close).toList()).await(30, TimeUnit.SECONDS);
            measureCalls(client, port, callers, calls);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static void warmUp(WebSocketClient client, int port, int callers) throws Exception {
        List<Future<long[]>> rounds = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            rounds.add(session(client, port).compose(ws -> calls(ws, 200)));
        }
        Future.all(rounds).await(120, TimeUnit.SECONDS);
    }

    private static void measureCalls(WebSocketClient client, int port, int callers, int calls) throws Exception {
        long started = System.nanoTime();
        List<Future<long[]>> rounds = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            rounds.add(session(client, port).compose(ws -> calls(ws, calls)));
        }
        Future.all(rounds).await(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] all = rounds.stream().flatMapToLong(f -> Arrays.stream(f.result())).sorted().toArray();
        System.out.printf("calls: %d from %d sessions in %.1f s: %.0f calls/s, latency p50 %.2f ms, p99 %.2f ms,"
                + " max %.2f ms%n", all.length, callers, seconds, all.length / seconds, all[all.length / 2] / 1e6,
                all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6);
    }

    /** Opens a session and runs the Xiaozhi handshake (initialize, initialized, tools/list). */
    private static Future<WebSocket> session(WebSocketClient client, int port) {
        return client.connect(port, "127.0.0.1", "/mcp?token=" + TOKEN).compose(ws -> {
            Promise<WebSocket> ready = Promise.promise();
            ws.textMessageHandler(text -> {
                if (text.contains("\"tools\"")) {
                    ready.tryComplete(ws);
                }
            });
            ws.writeTextMessage("{\"id\":0,\"jsonrpc\":\"2.0\",\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\"}}}");
            ws.writeTextMessage("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            ws.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}");
            return ready.future();
        });
    }

    /** Makes calls one after another; the future holds each call's latency in nanoseconds. */
    private static Future<long[]> calls(WebSocket ws, int count) {
        Promise<long[]> done = Promise.promise();
        long[] latencies = new long[count];
        long[] sentAt = new long[1];
        int[] index = {0};
        String request = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"diagnostics___echo\",\"arguments\":{\"text\":\"hello from a benchmark\"}}}";
        ws.textMessageHandler(text -> {
            if (index[0] >= count || !text.contains("\"result\"")) {
                return;
            }
            latencies[index[0]++] = System.nanoTime() - sentAt[0];
            if (index[0] == count) {
                ws.close();
                done.tryComplete(latencies);
            } else {
                sentAt[0] = System.nanoTime();
                ws.writeTextMessage(request.formatted(index[0] + 2));
            }
        });
        sentAt[0] = System.nanoTime();
        ws.writeTextMessage(request.formatted(2));
        return done.future();
    }

    private static long usedHeapKb(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1));
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output;
    }
}
