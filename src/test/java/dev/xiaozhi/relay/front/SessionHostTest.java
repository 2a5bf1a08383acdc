package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.bus.EventBusAddresses;
import dev.xiaozhi.relay.bus.RegistryChange;
import dev.xiaozhi.relay.bus.TargetNotification;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.front.LiveSessions.LiveSession;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.ToolPolicy;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.node.NodeWiring;
import dev.xiaozhi.relay.ops.RelayMetrics;
import dev.xiaozhi.relay.protocol.Json;
import dev.xiaozhi.relay.routing.NodeCatalog;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies the session host with a transport shaped like Streamable HTTP (several channels at once, a session that
 * outlives its channels, no notification stream at times), against a node's real catalog, router and target verticle.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30_000)
class SessionHostTest {

    private static final DeviceIdentity KITCHEN = new DeviceIdentity("acme", "kitchen", ToolPolicy.ALLOW_ALL,
            new TenantLimits(0, 1, 0, 0, 0));

    private final Map<String, DeviceIdentity> directory = new ConcurrentHashMap<>();
    private Context context;
    private SessionHost host;
    private LiveSessions live;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        RelayConfig config = ConfigLoader.parse("targets: {diagnostics: {type: builtin, builtin: diagnostics}}",
                Path.of("."), Map.of());
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
        NodeWiring wiring = new NodeWiring(vertx, config, metrics);
        NodeCatalog catalog = wiring.catalog();
        catalog.start(vertx).await(10, TimeUnit.SECONDS);
        vertx.deployVerticle(wiring.targetVerticle(config.targets().get("diagnostics"))).await(10, TimeUnit.SECONDS);
        Await.until(vertx, () -> catalog.current().tools().size() == 2);
        FrontContext front = wiring.frontContext("test", () -> 1);
        live = front.sessions();
        directory.put("kitchen", KITCHEN);
        host = new SessionHost(front, new Directory(directory), metrics, Duration.ofMillis(50));
        context = vertx.getOrCreateContext();
        on(() -> host.start(vertx));
    }

    /**
     * Verifies that replies and a call's answer go on the channel their request came on, session-wide
     * notifications on the notification channel only (dropped while there is none), and that the session outlives
     * a closed channel.
     */
    @Test
    void answersOnTheRequestsChannel(Vertx vertx) throws Exception {
        HttpLikeTransport transport = new HttpLikeTransport();
        McpSession session = open(transport);
        Channel first = new Channel();
        Channel second = new Channel();

        on(() -> {
            session.onMessage(Requests.initialize(0, "2025-11-25"), first);
            session.onMessage(Requests.call(1, "diagnostics___echo", "{\"text\":\"hi\"}"), second);
            return Future.succeededFuture();
        });
        Await.until(vertx, () -> first.received.size() == 1 && second.received.size() == 1);
        first.closed = true;
        publishTool(vertx, "extra");
        Await.until(vertx, () -> transport.catalogChanges.get() == 1);
        Channel stream = new Channel();
        transport.notifications = stream;
        publishTool(vertx, "more");
        Await.until(vertx, () -> stream.received.size() == 1);
        Channel third = new Channel();
        on(() -> {
            session.onMessage(Requests.listTools("2"), third);
            return Future.succeededFuture();
        });
        Await.until(vertx, () -> third.received.size() == 1);

        assertThat(first.received.get(0).at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(Requests.text(second.received.get(0))).contains("hi");
        assertThat(stream.received.get(0).path("method").asText()).isEqualTo("notifications/tools/list_changed");
        assertThat(third.received.get(0).at("/result/tools").size()).isEqualTo(4);
        assertThat(first.received).hasSize(1);
        assertThat(live.list()).extracting(LiveSession::front).containsExactly(FrontKind.HTTP);
    }

    /**
     * Verifies that a target's new prompts and resources are told as their own list changes, not as a tool change
     * (which would make a pipe re-handshake), and that a target's log message reaches a session only once it set a
     * level.
     */
    @Test
    void tellsPromptAndResourceChangesApartFromToolChanges(Vertx vertx) throws Exception {
        HttpLikeTransport transport = new HttpLikeTransport();
        McpSession session = open(transport);
        Channel stream = new Channel();
        transport.notifications = stream;
        on(() -> {
            session.onMessage(Requests.initialize(0, "2025-11-25"), new Channel());
            return Future.succeededFuture();
        });
        JsonNode tools = Json.parse("[{\"name\":\"t\",\"inputSchema\":{\"type\":\"object\"}}]");
        vertx.eventBus().publish(EventBusAddresses.CATALOG_CHANGED, new CatalogUpdate("docs", PrefixMode.ALWAYS,
                1_000, tools, true, "docs-1"));
        Await.until(vertx, () -> transport.catalogChanges.get() == 1);

        vertx.eventBus().publish(EventBusAddresses.CATALOG_CHANGED, new CatalogUpdate("docs", PrefixMode.ALWAYS,
                1_000, tools, true, "docs-1", Json.parse("[{\"name\":\"summarize\"}]"),
                Json.parse("[{\"uri\":\"file:///a.md\",\"name\":\"a\"}]"), null,
                Json.parse("{\"logging\":{}}")));
        Await.until(vertx, () -> stream.received.size() == 3);
        TargetNotification log = new TargetNotification("docs", "notifications/message",
                Json.parse("{\"level\":\"error\",\"data\":\"disk full\"}"), null);
        vertx.eventBus().publish(EventBusAddresses.TARGET_NOTIFICATIONS, log);
        Channel replies = new Channel();
        on(() -> {
            session.onMessage(Requests.request("1", "logging/setLevel", "{\"level\":\"info\"}"), replies);
            return Future.succeededFuture();
        });
        Await.until(vertx, () -> replies.received.size() == 1);
        vertx.eventBus().publish(EventBusAddresses.TARGET_NOTIFICATIONS, log);
        Await.until(vertx, () -> stream.received.size() == 4);

        assertThat(transport.catalogChanges.get()).isEqualTo(1);
        assertThat(stream.received).extracting(m -> m.path("method").asText()).containsExactly(
                "notifications/tools/list_changed", "notifications/prompts/list_changed",
                "notifications/resources/list_changed", "notifications/message");
        assertThat(stream.received.get(3).at("/params/logger").asText()).isEqualTo("docs");
        assertThat(stream.received.get(3).at("/params/data").asText()).isEqualTo("disk full");
    }

    /** Verifies that a target's availability flips change no session's view, and a new tool does. */
    @Test
    void tellsTransportsOfContentChangesOnly(Vertx vertx) throws Exception {
        HttpLikeTransport transport = new HttpLikeTransport();
        open(transport);
        JsonNode tools = Json.parse("[{\"name\":\"t\",\"description\":\"d\",\"inputSchema\":{\"type\":\"object\"}}]");

        vertx.eventBus().publish(EventBusAddresses.CATALOG_CHANGED, new CatalogUpdate("flaky", PrefixMode.ALWAYS,
                1_000, tools, true, "flaky-1"));
        Await.until(vertx, () -> transport.catalogChanges.get() == 1);
        for (int flap = 0; flap < 3; flap++) {
            vertx.eventBus().publish(EventBusAddresses.CATALOG_CHANGED, new CatalogUpdate("flaky",
                    PrefixMode.ALWAYS, 1_000, tools, flap % 2 == 1, "flaky-1"));
        }
        publishTool(vertx, "last");

        Await.until(vertx, () -> transport.catalogChanges.get() >= 2);
        assertThat(transport.catalogChanges.get()).isEqualTo(2);
    }

    /**
     * Verifies that the registry reaches hosted sessions: a narrowed policy is taken and told, a revocation ends
     * the session with 1008 and frees its place.
     */
    @Test
    void appliesRegistryChanges(Vertx vertx) throws Exception {
        HttpLikeTransport transport = new HttpLikeTransport();
        McpSession session = open(transport);

        directory.put("kitchen", new DeviceIdentity("acme", "kitchen", ToolPolicy.ALLOW_ALL.narrowedBy(new ToolRule(
                List.of("*"), List.of(), List.of("*echo"), List.of())), KITCHEN.limits()));
        vertx.eventBus().publish(EventBusAddresses.REGISTRY_CHANGED, new RegistryChange(false, "acme", "kitchen"));
        Await.until(vertx, () -> transport.catalogChanges.get() == 1);
        assertThat(session.view().size()).isEqualTo(1);
        assertThat(admit(FrontKind.HTTP)).isNull();

        vertx.eventBus().publish(EventBusAddresses.REGISTRY_CHANGED, new RegistryChange(true, "acme", null));
        Await.until(vertx, () -> transport.ended.get() != null);

        assertThat(transport.ended.get()).isEqualTo(SessionHost.CLOSE_POLICY_VIOLATION);
        assertThat(live.list()).isEmpty();
        assertThat(on(() -> Future.succeededFuture(host.sessions()))).isEmpty();
        assertThat(admit(FrontKind.HTTP)).isNotNull();
    }

    /**
     * Verifies the keep-alive clock and the drain: a call in flight past the grace is answered with a tool error on
     * its own channel, then every session ends as going away (1001).
     */
    @Test
    void keepsAliveAndDrains(Vertx vertx) throws Exception {
        HttpLikeTransport transport = new HttpLikeTransport();
        McpSession session = open(transport);
        Channel call = new Channel();
        on(() -> {
            session.onMessage(Requests.initialize(0, "2025-03-26"), new Channel());
            session.onMessage(Requests.call(1, "diagnostics___sleep", "{\"ms\":10000}"), call);
            return Future.succeededFuture();
        });
        Await.until(vertx, () -> transport.keepAlives.get() >= 2);

        on(() -> host.drain(Duration.ofMillis(200)));

        assertThat(call.received).singleElement().satisfies(reply -> {
            assertThat(reply.at("/result/isError").asBoolean()).isTrue();
            assertThat(Requests.text(reply)).contains("shutting down");
        });
        assertThat(transport.ended.get()).isEqualTo(SessionHost.CLOSE_GOING_AWAY);
        assertThat(live.list()).isEmpty();
    }

    private McpSession open(HttpLikeTransport transport) throws Exception {
        return on(() -> {
            McpSession session = host.open(host.admit(KITCHEN, FrontKind.HTTP, "127.0.0.1"), KITCHEN, transport);
            transport.host = host;
            transport.session = session;
            return Future.succeededFuture(session);
        });
    }

    private LiveSession admit(FrontKind kind) throws Exception {
        return on(() -> Future.succeededFuture(host.admit(KITCHEN, kind, "127.0.0.1")));
    }

    private static void publishTool(Vertx vertx, String target) throws Exception {
        vertx.eventBus().publish(EventBusAddresses.CATALOG_CHANGED, new CatalogUpdate(target, PrefixMode.ALWAYS,
                1_000, Json.parse("[{\"name\":\"t\",\"inputSchema\":{\"type\":\"object\"}}]"), true, target + "-1"));
    }

    /** Runs a step on the host's context and waits for its result. */
    private <T> T on(Supplier<Future<T>> step) throws Exception {
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> step.get().onComplete(done));
        return done.future().await(10, TimeUnit.SECONDS);
    }

    /** One response stream: records what it is sent until it is closed. */
    private static final class Channel implements SessionChannel {

        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public boolean send(String json) {
            if (closed) {
                return false;
            }
            try {
                received.add(Json.parse(json));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return true;
        }
    }

    /** A transport like Streamable HTTP's: a notification stream only at times, ended only when told. */
    private static final class HttpLikeTransport implements SessionTransport {

        final AtomicInteger keepAlives = new AtomicInteger();
        final AtomicInteger catalogChanges = new AtomicInteger();
        final AtomicReference<Short> ended = new AtomicReference<>();
        volatile SessionChannel notifications;
        SessionHost host;
        McpSession session;

        @Override
        public FrontKind kind() {
            return FrontKind.HTTP;
        }

        @Override
        public String remote() {
            return "127.0.0.1";
        }

        @Override
        public SessionChannel notifications() {
            return notifications;
        }

        @Override
        public void keepAlive(long nowNanos) {
            keepAlives.incrementAndGet();
        }

        @Override
        public void catalogChanged(McpSession changed) {
            catalogChanges.incrementAndGet();
            changed.toolsChanged();
        }

        @Override
        public Future<Void> end(short code, String reason) {
            host.ended(session, "code: " + code);
            ended.set(code);
            return Future.succeededFuture();
        }
    }

    /** The registry as the host sees it: identities by device. */
    private record Directory(Map<String, DeviceIdentity> identities) implements DeviceDirectory {

        @Override
        public Future<Optional<DeviceIdentity>> authenticate(String token) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public Future<Optional<DeviceIdentity>> lookup(String tenant, String device) {
            return Future.succeededFuture(Optional.ofNullable(identities.get(device)));
        }
    }
}
