package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.SsePeer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Verifies that the fleet stream gathers once per tick for all its browsers, and pings idle ones. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class FleetStreamTest {

    private static final int BROWSERS = 5;
    private static final int TICKS = 5;

    private final AtomicInteger gathers = new AtomicInteger();
    private final List<SsePeer> peers = new ArrayList<>();
    private FleetStream stream;
    private int port;

    @AfterEach
    void close() {
        peers.forEach(SsePeer::close);
    }

    /**
     * Verifies the shared tick.
     * GIVEN five browsers on a stream ticking every 100 ms
     * WHEN each has received five fleet events gathered after all five were open
     * THEN all five received the same five gatherings, one per tick, not one per browser.
     */
    @Test
    void gathersOncePerTickForAllBrowsers(Vertx vertx) throws Exception {
        start(vertx, 100, 15_000);
        for (int i = 0; i < BROWSERS; i++) {
            peers.add(SsePeer.open(port, "/events", Map.of()));
        }
        Await.until(vertx, () -> stream.open() == BROWSERS);
        int allOpen = gathers.get();
        List<List<Integer>> seen = new ArrayList<>();
        for (SsePeer peer : peers) {
            List<Integer> gatherings = new ArrayList<>();
            while (gatherings.size() < TICKS) {
                int n = new JsonObject(peer.nextEvent("fleet")).getInteger("n");
                if (n > allOpen) {
                    gatherings.add(n);
                }
            }
            seen.add(gatherings);
        }

        assertThat(seen).allMatch(seen.get(0)::equals);
        assertThat(seen.get(0)).containsExactly(allOpen + 1, allOpen + 2, allOpen + 3, allOpen + 4, allOpen + 5);
    }

    /** Verifies that a stream gets a {@code : ping} comment on the ping's period. */
    @Test
    void pingsTheStreams(Vertx vertx) throws Exception {
        start(vertx, 60_000, 100);
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/events")).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> new Thread(() -> response.body().forEach(lines::add)).start());

        Await.until(vertx, () -> lines.stream().filter(": ping"::equals).count() >= 2);

        assertThat(lines).contains(": connected");
    }

    private void start(Vertx vertx, long tickMs, long pingMs) throws Exception {
        stream = new FleetStream((v, requestFor) -> Future.succeededFuture(new FleetView.Overview(
                new JsonObject().put("n", gathers.incrementAndGet()), List.of())), tickMs, pingMs, 10, 64 * 1024);
        HttpServer[] server = new HttpServer[1];
        vertx.deployVerticle(new VerticleBase() {
            @Override
            public Future<?> start() {
                Router router = Router.router(vertx);
                router.get("/events").handler(stream);
                return stream.start(vertx).compose(v -> vertx.createHttpServer().requestHandler(router)
                        .listen(0, "127.0.0.1")).onSuccess(s -> server[0] = s);
            }
        }).await(10, TimeUnit.SECONDS);
        port = server[0].actualPort();
    }
}
