package dev.xiaozhi.relay.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the health endpoints on both ports and the Prometheus metrics on the admin port only. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class HealthAndMetricsTest {

    /** Verifies that both ports answer live and ready, and that metrics show sessions, handshakes and calls. */
    @Test
    void servesHealthOnBothPortsAndMetricsOnTheAdminPort(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            int devicePort = relay.port();
            int adminPort = relay.node().adminPort();
            TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
            device.initialize("2024-11-05");
            device.exchange("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"calculator___evaluate\",\"arguments\":{\"expression\":\"1+1\"}}}");

            for (int port : new int[] {devicePort, adminPort}) {
                assertThat(get(vertx, port, "/health/live").statusCode()).isEqualTo(200);
                HttpResponse<Buffer> ready = get(vertx, port, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
            }
            String metrics = get(vertx, adminPort, "/metrics").bodyAsString();
            assertThat(metrics).contains("relay_sessions_open 1.0")
                    .contains("relay_handshakes_total{outcome=\"accepted\"}")
                    .contains("relay_tool_calls_total{outcome=\"ok\",target=\"calculator\"} 1.0")
                    .contains("relay_tool_call_duration_seconds_bucket{target=\"calculator\"")
                    .doesNotContain("kitchen");
            assertThat(get(vertx, devicePort, "/metrics").statusCode()).isEqualTo(404);
        }
    }

    private static HttpResponse<Buffer> get(Vertx vertx, int port, String path) throws Exception {
        return WebClient.create(vertx).request(HttpMethod.GET, port, "127.0.0.1", path).send()
                .await(10, TimeUnit.SECONDS);
    }
}
