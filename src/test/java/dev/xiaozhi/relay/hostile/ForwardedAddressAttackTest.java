package dev.xiaozhi.relay.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.support.AdminClient;
import dev.xiaozhi.relay.support.Await;
import dev.xiaozhi.relay.support.HttpPeer;
import dev.xiaozhi.relay.support.LogCapture;
import dev.xiaozhi.relay.support.RawUpgrade;
import dev.xiaozhi.relay.support.TestRelay;
import dev.xiaozhi.relay.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, behind NAT and proxies: behind an ingress every device shared the ingress's address, so one bad device
 * got them all throttled; and if the relay took {@code X-Forwarded-For} or a PROXY protocol header from anyone, a
 * guesser would name a fresh address with every guess and never be throttled.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60_000)
class ForwardedAddressAttackTest {

    private static final String PROXY = "trustedProxies: [127.0.0.1/32]";
    private static final String STRICT = "authFailures: {max: 3, maxTokensPerAddress: 3}";
    private static final String GUESSER = "203.0.113.7";
    private static final String NEIGHBOUR = "198.51.100.9";

    @TempDir
    Path stateDir;

    /**
     * Verifies that behind a trusted proxy each client is throttled and listed under its own address.
     * GIVEN a relay trusting the proxy at 127.0.0.1, blocking an address after 3 distinct bad tokens
     * WHEN the proxy forwards 4 guesses of one client, then a valid token of that client, of the same client with a
     * forged address prepended, and of another client, over WebSocket and HTTP
     * THEN the guessing client is blocked (429) however it prefixes the header, the other client's device is admitted
     * and listed, in the admin API and the session log, under the other client's address.
     */
    @Test
    void throttlesAndListsEachClientOfATrustedProxyByItsForwardedAddress(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, PROXY + "\n" + STRICT);
                LogCapture logs = LogCapture.start()) {
            NetClient proxy = vertx.createNetClient();
            List<Integer> guesses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                guesses.add(upgrade(proxy, relay, "xzr_guess-" + i, "X-Forwarded-For: " + GUESSER));
            }

            assertThat(guesses).containsExactly(401, 401, 401, 429);
            assertThat(upgrade(proxy, relay, TestRelay.TOKEN, "X-Forwarded-For: " + GUESSER)).isEqualTo(429);
            assertThat(upgrade(proxy, relay, TestRelay.TOKEN, "X-Forwarded-For: 192.0.2.50, " + GUESSER))
                    .as("a forged hop left of the one the proxy wrote").isEqualTo(429);
            assertThat(upgrade(proxy, relay, TestRelay.TOKEN, "X-Forwarded-For: " + GUESSER + ", 127.0.0.1"))
                    .as("a trusted hop is skipped").isEqualTo(429);
            TestSocket neighbour = TestSocket.connect(vertx, new WebSocketConnectOptions()
                    .setAbsoluteURI(relay.url(TestRelay.TOKEN)).addHeader("X-Forwarded-For", NEIGHBOUR));
            neighbour.initialize("2025-06-18");
            HttpPeer http = new HttpPeer(relay.port());
            Map<String, String> headers = new LinkedHashMap<>(HttpPeer.headers(TestRelay.LIMITED_TOKEN,
                    null));
            headers.put("X-Forwarded-For", NEIGHBOUR);
            assertThat(http.send("POST", headers, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}").statusCode()).isEqualTo(200);

            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            List<String> remotes = admin.get("/sessions").bodyAsJsonObject().getJsonArray("items").stream()
                    .map(item -> ((JsonObject) item).getString("remote")).toList();
            assertThat(remotes).hasSize(2).allMatch(remote -> remote.startsWith(NEIGHBOUR + " via 127.0.0.1:"));
            Await.until(vertx, () -> logs.lines().stream().anyMatch(line -> line.startsWith("session opened")
                    && line.contains("remote: " + NEIGHBOUR + " via 127.0.0.1:")));
        }
    }

    /**
     * Verifies that a peer that is not a trusted proxy cannot choose the address it is throttled under.
     * GIVEN a relay trusting only the proxy at 127.0.0.1, blocking an address after 3 distinct bad tokens
     * WHEN a peer at 127.0.0.2 sends 4 guesses, each with a different forged {@code X-Forwarded-For}, then a valid
     * token with yet another
     * THEN its own address is blocked (429) for all of them, and a peer at 127.0.0.3 with a forged header is admitted
     * and listed under its real address.
     */
    @Test
    void ignoresForwardedForFromAnUntrustedPeer(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, PROXY + "\n" + STRICT)) {
            NetClient untrusted = vertx.createNetClient(new NetClientOptions().setLocalAddress("127.0.0.2"));
            List<Integer> guesses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                guesses.add(upgrade(untrusted, relay, "xzr_guess-" + i, "X-Forwarded-For: 192.0.2." + i));
            }

            assertThat(guesses).containsExactly(401, 401, 401, 429);
            assertThat(upgrade(untrusted, relay, TestRelay.TOKEN, "X-Forwarded-For: " + NEIGHBOUR)).isEqualTo(429);
            WebSocketClient elsewhere = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setLocalAddress("127.0.0.3"));
            elsewhere.connect(new WebSocketConnectOptions().setAbsoluteURI(relay.url(TestRelay.TOKEN))
                    .addHeader("X-Forwarded-For", GUESSER)).await(10, TimeUnit.SECONDS);
            AdminClient admin = new AdminClient(vertx, relay.adminPort(), TestRelay.ADMIN_TOKEN);
            assertThat(admin.get("/sessions").bodyAsJsonObject().getJsonArray("items")).singleElement()
                    .satisfies(item -> assertThat(((JsonObject) item).getString("remote")).startsWith("127.0.0.3:"));
        }
    }

    /**
     * Verifies the PROXY protocol: honoured from a trusted proxy, refused from anyone else.
     * GIVEN a relay with {@code proxyProtocol: true} trusting the proxy at 127.0.0.1, blocking an address after 3
     * distinct bad tokens
     * WHEN the proxy forwards 4 guesses of one client, then a valid token of that client and one of another client;
     * and a peer at 127.0.0.2 sends a header naming that other client
     * THEN the guessing client is blocked (429), the other client's device is admitted and logged under its address,
     * and the untrusted peer's connection is closed without an answer.
     */
    @Test
    void takesTheClientAddressFromTheProxyProtocolOfATrustedProxyOnly(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, PROXY + "\nproxyProtocol: true\n" + STRICT);
                LogCapture logs = LogCapture.start()) {
            NetClient proxy = vertx.createNetClient();
            List<Integer> guesses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                guesses.add(proxied(proxy, relay, GUESSER, 40_000 + i, "xzr_guess-" + i));
            }

            assertThat(guesses).containsExactly(401, 401, 401, 429);
            assertThat(proxied(proxy, relay, GUESSER, 40_010, TestRelay.TOKEN)).isEqualTo(429);
            assertThat(proxied(proxy, relay, NEIGHBOUR, 40_011, TestRelay.TOKEN)).isEqualTo(101);
            Await.until(vertx, () -> logs.lines().stream().anyMatch(line -> line.startsWith("session opened")
                    && line.contains("remote: " + NEIGHBOUR + ":40011")));
            NetClient untrusted = vertx.createNetClient(new NetClientOptions().setLocalAddress("127.0.0.2"));
            assertThat(proxied(untrusted, relay, NEIGHBOUR, 40_012, TestRelay.TOKEN)).isEqualTo(-1);
        }
    }

    /**
     * Verifies that the pending-handshake limit counts each client behind the PROXY protocol on its own, and never
     * the trusted proxy's own address.
     * GIVEN a relay with {@code proxyProtocol: true} trusting the proxy at 127.0.0.1, {@code maxPendingHandshakes: 4}
     * (per front verticle, of which it has two) and {@code handshakeTimeout: 5s}
     * WHEN through the proxy one client opens 20 connections that send nothing after the header, another client 3,
     * and the proxy 10 of its own (a header naming itself)
     * THEN all but 8 of the first client's are closed once they waited the over-limit grace, while the other
     * client's and the proxy's own are still open then.
     */
    @Test
    void limitsPendingHandshakesPerClientBehindTheProxy(Vertx vertx) throws Exception {
        try (TestRelay relay = TestRelay.start(stateDir, PROXY + "\nproxyProtocol: true\nmaxPendingHandshakes: 4\n"
                + "handshakeTimeout: 5s")) {
            NetClient proxy = vertx.createNetClient();
            AtomicInteger guesserClosed = new AtomicInteger();
            AtomicInteger othersClosed = new AtomicInteger();
            List<Future<NetSocket>> sockets = new ArrayList<>();
            for (int i = 0; i < 33; i++) {
                String header = i < 20 ? GUESSER : i < 23 ? NEIGHBOUR : "127.0.0.1";
                int port = 41_000 + i;
                AtomicInteger closed = i < 20 ? guesserClosed : othersClosed;
                sockets.add(proxy.connect(relay.port(), "127.0.0.1").onSuccess(socket -> {
                    socket.closeHandler(v -> closed.incrementAndGet());
                    socket.write("PROXY TCP4 " + header + " 127.0.0.1 " + port + " " + relay.port() + "\r\n");
                }));
            }
            Future.all(sockets).await(10, TimeUnit.SECONDS);

            Await.until(vertx, 4_500, () -> guesserClosed.get() >= 20 - 2 * 4);
            vertx.timer(500, TimeUnit.MILLISECONDS).await();
            assertThat(othersClosed.get()).as("closed by the over-limit trim, though within the limit").isZero();
        }
    }

    /** An upgrade on a new connection of {@code client}, with extra header lines; its status. */
    private static int upgrade(NetClient client, TestRelay relay, String token, String... headerLines)
            throws Exception {
        return client.connect(relay.port(), "127.0.0.1").compose(socket -> RawUpgrade.status(socket, token,
                headerLines)).await(10, TimeUnit.SECONDS);
    }

    /** An upgrade behind a PROXY protocol v1 header naming {@code source:port} as the client; its status. */
    private static int proxied(NetClient client, TestRelay relay, String source, int port, String token)
            throws Exception {
        Future<NetSocket> connected = client.connect(relay.port(), "127.0.0.1");
        return connected.compose(socket -> {
            socket.write("PROXY TCP4 " + source + " 127.0.0.1 " + port + " " + relay.port() + "\r\n");
            return RawUpgrade.status(socket, token);
        }).await(10, TimeUnit.SECONDS);
    }
}
