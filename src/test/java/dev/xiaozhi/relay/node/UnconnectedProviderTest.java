package dev.xiaozhi.relay.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.model.TokenHash;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud.Connection;
import dev.xiaozhi.relay.support.FakeXiaozhiCloud;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that a provider target no provider has dialled in for never holds a node back. */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class UnconnectedProviderTest {

    /**
     * Verifies that a node with an outbound pipe and an unconnected provider target dials its pipe and is ready
     * without waiting for the provider.
     *
     * <p>GIVEN a calculator target, a provider target no provider ever dials in for, and a device with an endpoint
     * on a fake Xiaozhi cloud; WHEN the node starts; THEN the cloud gets the pipe's handshake with the calculator's
     * tools listed and {@code /health/ready} is UP, all before the wait for targets to list would have ended.
     */
    @Test
    void dialsPipesAndIsReadyWithoutWaitingForTheProvider(Vertx vertx, @TempDir Path stateDir) throws Exception {
        try (FakeXiaozhiCloud cloud = FakeXiaozhiCloud.start(vertx)) {
            String yaml = """
                    node: {stateDir: %s}
                    server: {host: 127.0.0.1, port: 0, instances: 1}
                    admin: {port: 0}
                    pipes: {connectRate: 1000}
                    targets:
                      calculator: {type: builtin, builtin: calculator}
                      home: {type: provider, token: "xzr_provider-never-connects"}
                    tenants:
                      acme:
                        devices:
                          agent: {tokenHash: "%s", endpoint: "%s"}
                    """.formatted(stateDir, TokenHash.ofPlain("xzr_device-agent"), cloud.endpoint("agent-jwt"));
            Promise<Void> waitOver = Promise.promise();
            vertx.setTimer(TargetsListed.WAIT_MS, id -> waitOver.complete());

            try (TestRelay relay = TestRelay.start(ConfigLoader.parse(yaml, stateDir, Map.of()))) {
                Await.until(vertx, () -> cloud.connections("agent-jwt").size() == 1);
                Connection connection = cloud.connections("agent-jwt").get(0);
                connection.next();
                String tools = connection.next().at("/result/tools").toString();
                int ready = WebClient.create(vertx).get(relay.adminPort(), "127.0.0.1", "/health/ready").send()
                        .await(10, TimeUnit.SECONDS).statusCode();

                assertThat(waitOver.future().isComplete()).as("the wait for targets to list ended first").isFalse();
                assertThat(tools).contains("calculator___evaluate");
                assertThat(ready).isEqualTo(200);
            }
        }
    }
}
