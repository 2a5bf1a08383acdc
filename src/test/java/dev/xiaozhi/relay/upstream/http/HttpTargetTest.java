package dev.xiaozhi.relay.upstream.http;

import static dev.xiaozhi.relay.support.Requests.call;
import static dev.xiaozhi.relay.support.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.SigV4Verifier;
import dev.xiaozhi.relay.support.TestMcpHttpServer;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies http targets against a real Streamable HTTP server that checks SigV4 signatures: signed calls, tampered
 * signatures refused, server errors, deadlines, dropped connections, event streams and expired sessions.
 */
@ExtendWith(VertxExtension.class)
@Timeout(90_000)
class HttpTargetTest {

    private static final String ACCESS_KEY = "AKIDRELAYTEST";
    private static final String SECRET_KEY = "relay/test/secret/key/never/real";

    private static Vertx serverVertx;
    private static TestMcpHttpServer gateway;
    private static TestRelay relay;

    @BeforeAll
    static void start(@TempDir Path stateDir) throws Exception {
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        serverVertx = Vertx.vertx();
        gateway = TestMcpHttpServer.start(serverVertx, new SigV4Verifier(ACCESS_KEY, SECRET_KEY));
        relay = TestRelay.start(ConfigLoader.parse(TestRelay.withTargets(stateDir, """
                gw:
                  type: http
                  url: "%s"
                  auth: {type: sigv4, service: bedrock-agentcore, region: us-west-2}
                  timeout: 2s
                  breaker: {maxFailures: 100}
                flaky:
                  type: http
                  url: "%s"
                  auth: {type: sigv4, region: us-west-2}
                  breaker: {maxFailures: 2, resetTimeout: 1m}
                """.formatted(gateway.url(), gateway.url())), stateDir,
                Map.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        gateway.close();
        serverVertx.close().await(10, TimeUnit.SECONDS);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** Verifies that the relay's signed requests pass the server's check and a tampered signature does not. */
    @Test
    void signsEveryRequestAndTheServerRejectsTamperedOnes(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx);

        assertThat(text(device.exchange(call(1, "gw___whoami", "{}")))).isEqualTo("signed ok");
        int status = WebClient.create(vertx).postAbs(gateway.url())
                .putHeader("Authorization", "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/20250101/us-west-2/"
                        + "bedrock-agentcore/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64))
                .putHeader("x-amz-date", "20250101T000000Z")
                .sendBuffer(Buffer.buffer("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}"))
                .await(10, TimeUnit.SECONDS).statusCode();
        assertThat(status).isEqualTo(403);
    }

    /** Verifies that 500s, slow answers and dropped connections end in clear tool errors, and the target goes on. */
    @Test
    void turnsServerFailuresIntoToolErrors(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx);

        JsonNode failed = device.exchange(call(1, "gw___fail", "{}"));
        JsonNode slow = device.exchange(call(2, "gw___slow", "{}"));
        JsonNode dropped = device.exchange(call(3, "gw___drop", "{}"));

        assertThat(text(failed)).isEqualTo("gw failed: HTTP 500: boom: the backend fell over");
        assertThat(text(slow)).isEqualTo("gw did not answer within 2 s");
        assertThat(failed.at("/result/isError").asBoolean()).isTrue();
        assertThat(dropped.at("/result/isError").asBoolean()).isTrue();
        assertThat(text(dropped)).startsWith("gw failed: ");
        assertThat(text(device.exchange(call(4, "gw___whoami", "{}")))).isEqualTo("signed ok");
    }

    /**
     * Verifies that event-stream answers are read to their result, progress reaching the device under its own token,
     * and that an expired session is initialized again.
     */
    @Test
    void readsEventStreamsAndRenewsExpiredSessions(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx);
        int initializesBefore = gateway.initializes();

        device.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"gw___stream\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"device-token-7\"}}}");
        JsonNode progress = device.nextJson();
        assertThat(progress.get("method").asText()).isEqualTo("notifications/progress");
        assertThat(progress.at("/params/progressToken").asText()).isEqualTo("device-token-7");
        assertThat(progress.at("/params/progress").asInt()).isEqualTo(1);
        assertThat(text(device.nextResponse())).isEqualTo("streamed");
        gateway.expireSessions();
        assertThat(text(device.exchange(call(2, "gw___whoami", "{}")))).isEqualTo("signed ok");
        assertThat(gateway.initializes()).isEqualTo(initializesBefore + 1);
    }

    /**
     * Verifies that a failing target's circuit opens and fails fast, that other targets and readiness are untouched,
     * and that the admin port shows the state.
     */
    @Test
    void opensTheCircuitOfAFailingTargetOnly(Vertx vertx) throws Exception {
        TestSocket device = connected(vertx);

        device.exchange(call(1, "flaky___fail", "{}"));
        device.exchange(call(2, "flaky___fail", "{}"));
        JsonNode refused = device.exchange(call(3, "flaky___whoami", "{}"));

        assertThat(text(refused))
                .isEqualTo("flaky is unavailable after repeated failures; try again in a little while");
        assertThat(text(device.exchange(call(4, "gw___whoami", "{}")))).isEqualTo("signed ok");
        WebClient admin = WebClient.create(vertx);
        int adminPort = relay.node().adminPort();
        JsonObject targets = admin.get(adminPort, "127.0.0.1", "/health/targets").send()
                .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
        assertThat(targets.getJsonArray("targets").encode())
                .contains("{\"target\":\"flaky\",\"circuit\":\"open\",\"tools\":5}")
                .contains("{\"target\":\"gw\",\"circuit\":\"closed\",\"tools\":5}");
        assertThat(admin.get(adminPort, "127.0.0.1", "/health/ready").send().await(10, TimeUnit.SECONDS)
                .statusCode()).isEqualTo(200);
        assertThat(admin.get(adminPort, "127.0.0.1", "/metrics").send().await(10, TimeUnit.SECONDS).bodyAsString())
                .contains("relay_target_circuit_open{target=\"flaky\"} 1.0")
                .contains("relay_target_circuit_open{target=\"gw\"} 0.0");
    }

    private static TestSocket connected(Vertx vertx) throws Exception {
        TestSocket device = TestSocket.connect(vertx, relay.url(TestRelay.TOKEN));
        device.initialize("2025-06-18");
        Await.until(vertx, () -> device.exchange("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tools/list\"}")
                .at("/result/tools").size() == 10);
        return device;
    }
}
