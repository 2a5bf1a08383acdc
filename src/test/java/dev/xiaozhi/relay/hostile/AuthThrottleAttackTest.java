package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.AuthFailuresConfig;
import dev.xiaozhi.relay.support.RawUpgrade;
import dev.xiaozhi.relay.support.TestRelay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, #11: 150 concurrent handshakes with bad tokens, then the valid one, all from one address: the valid one
 * was admitted, because the throttle checked the address before the asynchronous token lookup and counted the
 * failures only after it. Behind NAT and proxies: a throttle per address alone would let one bad device lock out
 * every device behind its address.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class AuthThrottleAttackTest {

    private static final int BAD = 150;

    @TempDir
    Path stateDir;

    /**
     * Verifies that lookups in flight count against an address's budget before they finish.
     * GIVEN a relay allowing 10 distinct failing tokens a minute per address, and 151 connections open to it
     * WHEN one address sends 150 upgrade requests with bad tokens at once and then one with a valid token
     * THEN at most 11 are looked up before the address is blocked, the valid one is refused with 429 like the rest,
     * it stays refused after the bad ones are done, and a device from another address still gets in.
     */
    @Test
    void throttlesAHerdOfBadTokensBeforeTheirLookups(Vertx vertx) throws Exception {
        assertHerdBlocked(vertx, "authFailures: {maxTokensPerAddress: 10}", 11);
    }

    /**
     * Verifies that a guessing attack of distinct tokens from one address is blocked with the default limits.
     * GIVEN a relay with the default {@code server.authFailures} (100 distinct failing tokens a minute per address)
     * WHEN one address sends 150 upgrade requests with distinct bad tokens at once and then one with a valid token
     * THEN at most 101 are looked up before the address is blocked and the valid one is refused with 429.
     */
    @Test
    void blocksAGuessingAttackOfDistinctTokensWithTheDefaults(Vertx vertx) throws Exception {
        assertHerdBlocked(vertx, "", AuthFailuresConfig.DEFAULT_MAX_TOKENS_PER_ADDRESS + 1);
    }

    /**
     * Verifies that one bad device does not lock out the good devices behind its address (a NAT, or a self-hosted
     * Xiaozhi server).
     * GIVEN a relay with the default {@code server.authFailures} (10 failures of one token a minute per address)
     * WHEN from one address a device hammers 200 upgrade requests with the same bad token at once, while another
     * device sends 50 with its valid token among them
     * THEN at most 10 of the bad ones are looked up and the rest refused with 429, and every one of the good device's
     * is accepted, during the hammering and after it.
     */
    @Test
    void keepsAdmittingTheGoodDeviceOfAnAddressWhileAnotherHammersABadToken(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, "")) {
            NetClient net = vertx.createNetClient();
            List<Future<Integer>> bad = new ArrayList<>();
            List<Future<Integer>> good = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                boolean fair = i % 5 == 0;
                Future<Integer> status = net.connect(relay.port(), "127.0.0.1")
                        .compose(socket -> RawUpgrade.status(socket, fair ? TestRelay.TOKEN : "xzr_broken-device"));
                (fair ? good : bad).add(status);
            }
            Future.join(bad).await(20, TimeUnit.SECONDS);
            Future.join(good).await(20, TimeUnit.SECONDS);

            Map<Integer, Integer> badStatuses = new TreeMap<>();
            bad.forEach(status -> badStatuses.merge(status.result(), 1, Integer::sum));
            assertThat(badStatuses).containsOnlyKeys(401, 429);
            assertThat(badStatuses.get(401)).isLessThanOrEqualTo(AuthFailuresConfig.DEFAULT_MAX);
            assertThat(good).extracting(Future::result).containsOnly(101);
            WebSocketClient client = vertx.createWebSocketClient();
            assertThat(status(client.connect(options(relay)))).isEqualTo(101);
            assertThat(status(client.connect(new WebSocketConnectOptions()
                    .setAbsoluteURI(relay.url("xzr_broken-device"))))).isEqualTo(429);
        }
    }

    private void assertHerdBlocked(Vertx vertx, String serverExtra, int maxLookedUp) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, serverExtra)) {
            NetClient net = vertx.createNetClient();
            List<Future<NetSocket>> sockets = new ArrayList<>();
            for (int i = 0; i <= BAD; i++) {
                sockets.add(net.connect(relay.port(), "127.0.0.1"));
            }
            Future.all(sockets).await(10, TimeUnit.SECONDS);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i <= BAD; i++) {
                statuses.add(RawUpgrade.status(sockets.get(i).result(), i < BAD ? "xzr_guess-" + i : TestRelay.TOKEN));
            }
            Future.all(statuses).await(20, TimeUnit.SECONDS);

            Map<Integer, Integer> bad = new TreeMap<>();
            statuses.subList(0, BAD).forEach(status -> bad.merge(status.result(), 1, Integer::sum));
            assertThat(bad).containsOnlyKeys(401, 429);
            assertThat(bad.get(401)).isLessThanOrEqualTo(maxLookedUp);
            assertThat(statuses.get(BAD).result()).as("the valid token after the herd").isEqualTo(429);
            WebSocketClient client = vertx.createWebSocketClient();
            assertThat(status(client.connect(options(relay)))).isEqualTo(429);
            WebSocketClient elsewhere = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setLocalAddress("127.0.0.2"));
            assertThat(status(elsewhere.connect(options(relay)))).isEqualTo(101);
        }
    }

    private static WebSocketConnectOptions options(TestRelay relay) {
        return new WebSocketConnectOptions().setAbsoluteURI(relay.url(TestRelay.TOKEN));
    }

    private static int status(Future<WebSocket> attempt) {
        try {
            attempt.await(10, TimeUnit.SECONDS);
            return 101;
        } catch (UpgradeRejectedException e) {
            return e.getStatus();
        } catch (Exception e) {
            return -1;
        }
    }
}
