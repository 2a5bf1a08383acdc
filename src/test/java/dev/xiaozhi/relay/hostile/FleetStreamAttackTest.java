package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.admin.FleetStream;
import dev.xiaozhi.relay.admin.FleetView;
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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14's fleet stream, played against: a browser (or anything holding an admin token) that opens the stream and
 * never reads would make the node queue every tick for it without bound, and opening stream after stream would make
 * it gather and write for each. The stream drops a reader whose queue is still full at the next write, and refuses
 * streams over its cap; a reader that reads goes on being served.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class FleetStreamAttackTest {

    private static final int PAD_CHARS = 200_000;
    private static final int QUEUE_BYTES = 64 * 1024;

    /**
     * Verifies the bound and the cap.
     * GIVEN a fleet stream ticking every 20 ms with 200 KB a tick, at most 2 streams and a 64 KiB queue bound
     * WHEN one client reads, one never reads (a 4 KiB receive buffer), and a third opens
     * THEN the third is refused with 429, the one that never reads is dropped, and the reader still gets the fleet.
     */
    @Test
    void dropsAStreamThatIsNotReadAndCapsStreams(Vertx vertx) throws Exception {
        JsonObject big = new JsonObject().put("pad", "x".repeat(PAD_CHARS));
        FleetStream stream = new FleetStream((v, requestFor) -> Future.succeededFuture(new FleetView.Overview(big,
                List.of())), 20, 15_000, 2, QUEUE_BYTES);
        HttpServer[] server = new HttpServer[1];
        vertx.deployVerticle(new VerticleBase() {
            @Override
            public Future<?> start() {
                Router router = Router.router(vertx);
                router.get("/events").handler(stream);
                return stream.start(vertx).compose(v -> vertx.createHttpServer().requestHandler(router).listen(0,
                        "127.0.0.1")).onSuccess(s -> server[0] = s);
            }

            @Override
            public Future<?> stop() {
                return stream.stop();
            }
        }).await(10, TimeUnit.SECONDS);
        int port = server[0].actualPort();

        try (SsePeer reader = SsePeer.open(port, "/events", Map.of());
                Socket deaf = new Socket()) {
            reader.nextEvent("fleet");
            deaf.setReceiveBufferSize(4096);
            deaf.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = deaf.getOutputStream();
            out.write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Await.until(vertx, () -> stream.open() == 2);
            HttpResponse<String> third = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/events")).build(), HttpResponse.BodyHandlers.ofString());

            Await.until(vertx, 30_000, () -> stream.open() == 1);
            String afterDrop = reader.nextEvent("fleet");

            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(afterDrop).hasSizeGreaterThan(PAD_CHARS);
            assertThat(reader.ended()).isFalse();
        }
    }
}
