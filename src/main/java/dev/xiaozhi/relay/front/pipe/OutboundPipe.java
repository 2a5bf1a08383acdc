package dev.xiaozhi.relay.front.pipe;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.common.Backoff;
import dev.xiaozhi.relay.config.PipesConfig.OnCatalogChange;
import dev.xiaozhi.relay.config.PipesConfig;
import dev.xiaozhi.relay.front.FrontKind;
import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.ops.PipeState;
import dev.xiaozhi.relay.ops.PipeStatus;
import dev.xiaozhi.relay.ops.history.NodeHistory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's WebSocket to its Xiaozhi MCP endpoint, dialled out and kept forever: on it the relay serves the
 * device's catalog as MCP server, as on an inbound session. Reconnects with full-jitter backoff from
 * {@code backoffBase} to {@code backoffCap}, reset after a healthy connection; a refused handshake (401/403) is
 * {@code unauthorized} and retried at the cap. When the tools the device may see change, it re-runs the handshake
 * (the cloud reads the tool list only then): a new socket first, the old one closed once its calls are answered.
 * Every dial takes a slot of the node's connect rate. The URL is never logged.
 */
final class OutboundPipe {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundPipe.class);
    private static final short CLOSE_NORMAL = 1000;
    private static final long RETIRE_POLL_MS = 100;
    /** The longest an old socket keeps serving calls after a re-handshake. */
    private static final long RETIRE_TIMEOUT_MS = 60_000;

    private final Vertx vertx;
    private PipeEndpoint endpoint;
    private final PipesConfig config;
    private final SessionHost host;
    private final WebSocketClient client;
    private final ConnectLimiter limiter;
    private final Consumer<OutboundPipe> onStopped;
    private final Backoff backoff;
    private final RehandshakeTimer rehandshake;
    private final Promise<Void> firstAttempt = Promise.promise();
    private final List<PipeLink> retiring = new ArrayList<>(1);
    private PipeLink current;
    private boolean dialing;
    private PipeState state = PipeState.CONNECTING;
    private int attempts;
    private int lastCloseCode = -1;
    private String lastCloseReason = "";
    private long nextRetry;
    private long retryTimer = -1;
    private boolean stopped;
    private boolean redialNow;
    private volatile PipeStatus status;
    private final NodeHistory history;
    private PipeState recorded;

    /**
     * @param onStopped told when the relay ended the pipe for good (its device was revoked)
     * @param history   keeps the pipe's state changes
     */
    OutboundPipe(Vertx vertx, PipeEndpoint endpoint, PipesConfig config, SessionHost host, WebSocketClient client,
            ConnectLimiter limiter, Consumer<OutboundPipe> onStopped, NodeHistory history) {
        this.history = history;
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.config = config;
        this.host = host;
        this.client = client;
        this.limiter = limiter;
        this.onStopped = onStopped;
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), config.healthyAfter());
        this.rehandshake = new RehandshakeTimer(vertx, config.rehandshakeInterval().toMillis(), this::rehandshake);
        publishStatus();
    }

    /** The latest status, readable from any thread. */
    PipeStatus status() {
        return status;
    }

    /** Starts dialling; the future completes when the first attempt has connected or failed. */
    Future<Void> start() {
        dial();
        return firstAttempt.future();
    }

    /** Whether the pipe dials this URL. */
    boolean dials(String url) {
        return endpoint.endpoint().equals(url);
    }

    /** Takes the device's new identity (policy, limits) for the connections to come; the live session has it. */
    void refresh(PipeEndpoint replacement) {
        endpoint = replacement;
    }

    /** Switches to a new endpoint URL (token churn): the current connection closes and the new one is dialled now. */
    void replaceEndpoint(PipeEndpoint replacement) {
        endpoint = replacement;
        LOG.info("pipe endpoint replaced [tenant: {}, device: {}]", tenant(), device());
        backoff.reset();
        attempts = 0;
        if (current != null) {
            redialNow = true;
            current.close(CLOSE_NORMAL, "endpoint replaced");
        } else if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            dial();
        }
    }

    /** Closes the pipe for good. */
    Future<Void> stop(short code, String reason) {
        stopped = true;
        firstAttempt.tryComplete();
        vertx.cancelTimer(retryTimer);
        rehandshake.cancel();
        List<Future<Void>> closing = new ArrayList<>();
        retiring.forEach(link -> closing.add(link.close(code, reason)));
        if (current != null) {
            closing.add(current.close(code, reason));
        }
        return Future.join(closing).mapEmpty();
    }

    /** The session host ended the device's session (revoked, or the node drains): the pipe stops for good. */
    Future<Void> endedByRelay(short code, String reason) {
        Future<Void> closed = stop(code, reason);
        onStopped.accept(this);
        return closed;
    }

    /** The tools a link's session may see changed; a re-handshake follows if so configured. */
    void catalogChanged(PipeLink link) {
        if (link == current && !stopped && config.onCatalogChange() == OnCatalogChange.RECONNECT) {
            rehandshake.changed();
        }
    }

    /** A link's socket closed: a retired one is simply gone; the current one is redialled. */
    void linkClosed(PipeLink link) {
        if (retiring.remove(link) || link != current) {
            return;
        }
        current = null;
        long upForMs = System.currentTimeMillis() - link.openedAtMillis();
        lastCloseCode = link.closeCode();
        lastCloseReason = link.closeReason();
        LOG.info("pipe closed [tenant: {}, device: {}, code: {}, up ms: {}]", tenant(), device(), lastCloseCode,
                upForMs);
        if (upForMs >= config.healthyAfter().toMillis()) {
            attempts = 0;
        }
        if (stopped) {
            state = PipeState.BACKOFF;
            publishStatus();
        } else if (dialing) {
            state = PipeState.CONNECTING;
            publishStatus();
        } else if (redialNow) {
            redialNow = false;
            dial();
        } else {
            backoff(upForMs);
        }
    }

    private void rehandshake() {
        if (stopped || current == null || !current.stale()) {
            return;
        }
        LOG.info("pipe re-handshakes: its tools changed [tenant: {}, device: {}]", tenant(), device());
        dial();
    }

    private void dial() {
        if (dialing || stopped) {
            return;
        }
        dialing = true;
        retryTimer = -1;
        nextRetry = 0;
        if (current == null) {
            state = PipeState.CONNECTING;
            attempts++;
        }
        publishStatus();
        limiter.acquire()
                .compose(v -> client.connect(new WebSocketConnectOptions().setAbsoluteURI(endpoint.endpoint())))
                .onComplete(connected -> {
                    dialing = false;
                    if (connected.succeeded()) {
                        onConnected(connected.result());
                    } else {
                        onConnectFailed(connected.cause());
                    }
                });
    }

    private void onConnected(WebSocket socket) {
        if (stopped) {
            socket.close(SessionHost.CLOSE_GOING_AWAY, "relay shutting down");
            return;
        }
        PipeLink previous = current;
        current = new PipeLink(vertx, this, socket, host,
                host.admit(endpoint.identity(), FrontKind.PIPE, String.valueOf(socket.remoteAddress())),
                endpoint.identity(), config);
        state = PipeState.CONNECTED;
        publishStatus();
        firstAttempt.tryComplete();
        if (previous == null) {
            LOG.info("pipe connected [tenant: {}, device: {}, attempts: {}]", tenant(), device(), attempts);
        } else {
            LOG.info("pipe re-handshake connected [tenant: {}, device: {}]", tenant(), device());
            retiring.add(previous);
            retire(previous, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETIRE_TIMEOUT_MS));
        }
    }

    /** Lets an old link answer its calls, then closes it. */
    private void retire(PipeLink link, long deadline) {
        if (!retiring.contains(link)) {
            return;
        }
        if (link.pendingCalls() > 0 && System.nanoTime() < deadline) {
            vertx.setTimer(RETIRE_POLL_MS, id -> retire(link, deadline));
            return;
        }
        link.failPendingCalls("the connection was replaced; please retry");
        link.close(CLOSE_NORMAL, "tools changed");
    }

    private void onConnectFailed(Throwable failure) {
        firstAttempt.tryComplete();
        if (stopped) {
            return;
        }
        if (current != null) {
            LOG.warn("pipe re-handshake failed, old connection kept [tenant: {}, device: {}]: {}", tenant(),
                    device(), failure.getClass().getSimpleName());
            rehandshake.changed();
            return;
        }
        if (failure instanceof UpgradeRejectedException rejected
                && (rejected.getStatus() == 401 || rejected.getStatus() == 403)) {
            state = PipeState.UNAUTHORIZED;
            lastCloseReason = "unauthorized (HTTP " + rejected.getStatus() + ")";
            LOG.warn("pipe refused, token not accepted [tenant: {}, device: {}, status: {}]", tenant(), device(),
                    rejected.getStatus());
            retryIn(config.backoffCap().toMillis());
            return;
        }
        lastCloseReason = failure instanceof UpgradeRejectedException rejected
                ? "handshake refused (HTTP " + rejected.getStatus() + ")" : failure.getClass().getSimpleName();
        LOG.info("pipe connection failed [tenant: {}, device: {}, reason: {}]", tenant(), device(), lastCloseReason);
        backoff(0);
    }

    private void backoff(long upForMs) {
        state = PipeState.BACKOFF;
        retryIn(backoff.nextDelayMs(upForMs));
    }

    private void retryIn(long delayMs) {
        if (stopped) {
            return;
        }
        nextRetry = System.currentTimeMillis() + delayMs;
        publishStatus();
        retryTimer = vertx.setTimer(Math.max(1, delayMs), id -> dial());
    }

    private void publishStatus() {
        status = new PipeStatus(tenant(), device(), state, current == null ? 0 : current.openedAtMillis(), attempts,
                lastCloseCode, lastCloseReason, nextRetry);
        if (state != recorded) {
            recorded = state;
            history.pipe(tenant(), device(), state.label(), state == PipeState.CONNECTED ? -1 : lastCloseCode,
                    state == PipeState.CONNECTED ? "" : lastCloseReason);
        }
    }

    private String tenant() {
        return endpoint.identity().tenant();
    }

    private String device() {
        return endpoint.identity().device();
    }
}
