package dev.xiaozhi.relay.front.pipe;

import dev.xiaozhi.relay.auth.ConfiguredDevices.PipeEndpoint;
import dev.xiaozhi.relay.common.Backoff;
import dev.xiaozhi.relay.config.PipesConfig;
import dev.xiaozhi.relay.front.FrontContext;
import dev.xiaozhi.relay.front.McpSession;
import dev.xiaozhi.relay.front.ProgressRouter;
import dev.xiaozhi.relay.front.SessionTransport;
import dev.xiaozhi.relay.ops.PipeStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device's WebSocket to its Xiaozhi MCP endpoint, dialled out and kept forever: on it the relay serves the
 * device's catalog as MCP server, exactly as on an inbound session. Reconnects with full-jitter backoff from
 * {@code backoffBase} to {@code backoffCap}, reset after a healthy connection; a refused handshake (401/403) is
 * {@code unauthorized} and retried at the cap. Pings with a pong timeout. The URL is never logged.
 */
final class OutboundPipe implements SessionTransport {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundPipe.class);
    private static final short CLOSE_GOING_AWAY = 1001;
    private static final long ABORT_AFTER_MS = 1_000;

    private final Vertx vertx;
    private PipeEndpoint endpoint;
    private final PipesConfig config;
    private final FrontContext front;
    private final ProgressRouter progress;
    private final WebSocketClient client;
    private final ConnectLimiter limiter;
    private WebSocket socket;
    private McpSession session;
    private final Promise<Void> firstAttempt = Promise.promise();
    private String state = "connecting";
    private long connectedSince;
    private long lastPongNanos;
    private int attempts;
    private final Backoff backoff;
    private int lastCloseCode = -1;
    private String lastCloseReason = "";
    private long nextRetry;
    private long retryTimer = -1;
    private boolean stopped;
    private boolean redialNow;
    private volatile PipeStatus status;

    OutboundPipe(Vertx vertx, PipeEndpoint endpoint, PipesConfig config, FrontContext front, ProgressRouter progress,
            WebSocketClient client, ConnectLimiter limiter) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.config = config;
        this.front = front;
        this.progress = progress;
        this.client = client;
        this.limiter = limiter;
        this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), config.healthyAfter());
        publishStatus();
    }

    /** The latest status, readable from any thread. */
    PipeStatus status() {
        return status;
    }

    /** Starts dialling; the future completes when the first attempt has connected or failed. */
    Future<Void> start() {
        connect();
        return firstAttempt.future();
    }

    /** Whether the pipe dials this URL. */
    boolean dials(String url) {
        return endpoint.endpoint().equals(url);
    }

    /** Switches to a new endpoint URL (token churn): the current connection closes and the new one is dialled now. */
    void replaceEndpoint(PipeEndpoint replacement) {
        endpoint = replacement;
        LOG.info("pipe endpoint replaced [tenant: {}, device: {}]", tenant(), device());
        backoff.reset();
        attempts = 0;
        if (socket != null) {
            redialNow = true;
            socket.close((short) 1000, "endpoint replaced");
        } else if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            connect();
        }
    }

    /** Closes the pipe for good. */
    void stop() {
        stopped = true;
        firstAttempt.tryComplete();
        vertx.cancelTimer(retryTimer);
        if (socket != null) {
            socket.close(CLOSE_GOING_AWAY, "relay shutting down");
        }
    }

    /** Pings, or closes a connection whose pong is overdue. */
    void keepAlive(long now) {
        if (socket == null) {
            return;
        }
        if (now - lastPongNanos > config.pingInterval().toNanos() + config.pongTimeout().toNanos()) {
            LOG.warn("pipe pong timeout [tenant: {}, device: {}]", tenant(), device());
            WebSocket silent = socket;
            silent.close(CLOSE_GOING_AWAY, "pong timeout");
            vertx.setTimer(ABORT_AFTER_MS, id -> {
                if (socket == silent && silent instanceof WebSocketInternal internal) {
                    // a peer that stopped answering will not finish the closing handshake either
                    internal.channelHandlerContext().pipeline().firstContext().close();
                }
            });
        } else {
            socket.writePing(Buffer.buffer());
        }
    }

    @Override
    public boolean send(String json) {
        if (socket == null) {
            return false;
        }
        if (socket.writeQueueFull()) {
            LOG.warn("pipe not draining, closed [tenant: {}, device: {}]", tenant(), device());
            socket.close((short) 1008, "write queue full");
            return false;
        }
        socket.writeTextMessage(json);
        return true;
    }

    @Override
    public void close(short code, String reason) {
        if (socket != null) {
            socket.close(code, reason);
        }
    }

    private void connect() {
        retryTimer = -1;
        nextRetry = 0;
        state = "connecting";
        attempts++;
        publishStatus();
        limiter.acquire()
                .compose(v -> client.connect(new WebSocketConnectOptions().setAbsoluteURI(endpoint.endpoint())))
                .onSuccess(this::onConnected)
                .onFailure(this::onConnectFailed);
    }

    private void onConnected(WebSocket connected) {
        if (stopped) {
            connected.close(CLOSE_GOING_AWAY, "relay shutting down");
            return;
        }
        socket = connected;
        connectedSince = System.currentTimeMillis();
        lastPongNanos = System.nanoTime();
        state = "connected";
        session = new McpSession(endpoint.identity(), this, front, progress);
        connected.textMessageHandler(session::onMessage);
        connected.pongHandler(pong -> lastPongNanos = System.nanoTime());
        connected.closeHandler(v -> onClosed(connected));
        publishStatus();
        firstAttempt.tryComplete();
        LOG.info("pipe connected [tenant: {}, device: {}, attempts: {}]", tenant(), device(), attempts);
    }

    private void onConnectFailed(Throwable failure) {
        firstAttempt.tryComplete();
        if (failure instanceof UpgradeRejectedException rejected
                && (rejected.getStatus() == 401 || rejected.getStatus() == 403)) {
            state = "unauthorized";
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

    private void onClosed(WebSocket closed) {
        long upForMs = System.currentTimeMillis() - connectedSince;
        socket = null;
        connectedSince = 0;
        session.onClosed();
        session = null;
        Short code = closed.closeStatusCode();
        lastCloseCode = code == null ? -1 : code;
        lastCloseReason = closed.closeReason() == null ? "" : closed.closeReason();
        LOG.info("pipe closed [tenant: {}, device: {}, code: {}, up ms: {}]", tenant(), device(), lastCloseCode,
                upForMs);
        if (upForMs >= config.healthyAfter().toMillis()) {
            attempts = 0;
        }
        if (redialNow && !stopped) {
            redialNow = false;
            connect();
        } else if (!stopped) {
            backoff(upForMs);
        }
    }

    private void backoff(long upForMs) {
        state = "backoff";
        retryIn(backoff.nextDelayMs(upForMs));
    }

    private void retryIn(long delayMs) {
        if (stopped) {
            return;
        }
        nextRetry = System.currentTimeMillis() + delayMs;
        publishStatus();
        retryTimer = vertx.setTimer(Math.max(1, delayMs), id -> connect());
    }

    private void publishStatus() {
        status = new PipeStatus(tenant(), device(), state, connectedSince, attempts, lastCloseCode, lastCloseReason,
                nextRetry);
    }

    private String tenant() {
        return endpoint.identity().tenant();
    }

    private String device() {
        return endpoint.identity().device();
    }
}
