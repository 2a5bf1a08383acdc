package dev.xiaozhi.relay.upstream.http;

import dev.xiaozhi.relay.bus.CallerSession;
import dev.xiaozhi.relay.config.HttpTargetSpec;
import dev.xiaozhi.relay.config.TargetConfig;
import dev.xiaozhi.relay.protocol.RelayInfo;
import dev.xiaozhi.relay.upstream.mcp.McpClientConnection;
import dev.xiaozhi.relay.upstream.mcp.McpServerClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code http} target: an MCP server over Streamable HTTP (or, with {@code transport: sse}, the HTTP+SSE transport
 * of 2024-11-05, whose answers come on one GET event stream), each MCP session carried by an {@link HttpMcpSession}.
 * While the server is unreachable the last good tool list stays. With Streamable HTTP, {@code sessions} decides which
 * downstream sessions get an upstream session of their own ({@link HttpTargetSpec.Sessions}): opened lazily with what
 * the client declared, with its GET event stream open (where a server sends the requests for a client that belong to
 * no request of it), and deleted when the downstream session ends. The SSE transport shares one session.
 */
public final class HttpToolClient extends McpServerClient {

    /** The most upstream sessions of their own a target keeps at once; sessions beyond share one. */
    public static final int MAX_OWN_SESSIONS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(HttpToolClient.class);
    private static final long STREAM_RETRY_MS = 1_000;

    private final HttpTargetSpec spec;
    private final Optional<SigV4Signer> signer;
    private final Map<McpClientConnection, HttpMcpSession> own = new HashMap<>();
    private HttpClientAgent client;
    private HttpMcpSession shared;

    /** Creates the client of an http target. */
    public HttpToolClient(Vertx vertx, TargetConfig config, HttpTargetSpec spec) {
        super(vertx, config);
        this.spec = spec;
        this.signer = spec.sigv4().map(SigV4Signer::withDefaultCredentials);
    }

    @Override
    public Future<Void> start() {
        boolean tls = "https".equals(spec.url().getScheme());
        client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(tls).setTrustAll(false).setVerifyHost(true)
                .setTcpNoDelay(true).setKeepAlive(true)
                .setConnectTimeout((int) spec.connectTimeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(MAX_OWN_SESSIONS + config.maxConcurrent() + 2));
        reconnect();
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        restarts.stop();
        lost(config.name() + " is stopping");
        if (shared != null) {
            shared.closeStream();
        }
        return client == null ? Future.succeededFuture() : client.close();
    }

    @Override
    protected String notReadyMessage() {
        return "is not reachable yet; try again shortly";
    }

    /** Drops the session and connects again, after the restart delay. */
    @Override
    protected void unresponsive(String reason) {
        lost(reason);
        scheduleReconnect();
    }

    @Override
    protected boolean ownSession(CallerSession caller) {
        return spec.transport() == HttpTargetSpec.Transport.STREAMABLE && switch (spec.sessions()) {
            case SHARED -> false;
            case PER_SESSION -> true;
            case AUTO -> caller.scoped();
        };
    }

    @Override
    protected int maxOwnSessions() {
        return MAX_OWN_SESSIONS;
    }

    @Override
    protected Future<McpClientConnection> openSession(CallerSession caller) {
        HttpMcpSession session = new HttpMcpSession(vertx, client, config, spec, signer);
        McpClientConnection connection = sessionConnection(session.wire(), caller);
        session.bind(connection);
        own.put(connection, session);
        return connection.initialize(RelayInfo.version(), config.timeout().toMillis())
                .compose(v -> listen(session, connection, () -> own.get(connection) == session))
                .map(status -> {
                    LOG.debug("upstream session open [target: {}, event stream: {}]", config.name(), status);
                    return connection;
                })
                .onFailure(e -> {
                    own.remove(connection);
                    session.delete();
                });
    }

    /**
     * Opens a session's GET event stream, where its server sends what belongs to no request (list changes, resource
     * updates, requests for a client), and keeps it open while {@code kept} holds: a stream that ends, or that
     * could not be opened, is opened again a second later; one refused as of a session the server does not know
     * (it restarted, say) is opened on a new session, initialized again, which is asked anew for the session's
     * subscriptions and log level. A server that offers no stream (405, or 404 without sessions) is not asked again.
     * The future holds the first attempt's status.
     */
    private Future<Integer> listen(HttpMcpSession session, McpClientConnection connection, BooleanSupplier kept) {
        String used = session.id();
        Future<Integer> opened = session.openStream((event, data) -> connection.onMessage(data),
                () -> listenLater(session, connection, kept));
        opened.onComplete(status -> {
            int code = status.succeeded() ? status.result() : 0;
            if (code == 404 && (used != null || session.renewing())) {
                session.renew(used).onComplete(again -> listenLater(session, connection, kept));
            } else if (code != 200 && code != 404 && code != 405) {
                listenLater(session, connection, kept);
            }
        });
        return opened;
    }

    private void listenLater(HttpMcpSession session, McpClientConnection connection, BooleanSupplier kept) {
        if (!restarts.stopped() && kept.getAsBoolean()) {
            vertx.setTimer(STREAM_RETRY_MS, t -> {
                if (!restarts.stopped() && kept.getAsBoolean()) {
                    listen(session, connection, kept);
                }
            });
        }
    }

    @Override
    protected void closeSession(McpClientConnection ended) {
        HttpMcpSession session = own.remove(ended);
        if (session != null) {
            session.delete();
        }
    }

    private void reconnect() {
        if (shared != null) {
            shared.closeStream();
        }
        HttpMcpSession session = new HttpMcpSession(vertx, client, config, spec, signer);
        shared = session;
        McpClientConnection connection = connect(session.wire());
        session.bind(connection);
        Future<Void> connected;
        if (spec.transport() == HttpTargetSpec.Transport.SSE) {
            Promise<Void> endpoint = Promise.promise();
            connected = session.openStream((event, data) -> {
                if ("endpoint".equals(event)) {
                    session.postUrl(spec.url().resolve(data.trim()));
                    endpoint.tryComplete();
                } else {
                    connection.onMessage(data);
                }
            }, () -> onSseStreamLost(session)).compose(status -> status == 200 ? endpoint.future()
                    : Future.failedFuture("event stream answered HTTP " + status))
                    .compose(v -> handshake());
        } else {
            connected = handshake().onSuccess(v -> listen(session, connection, () -> shared == session)
                    .onSuccess(status -> LOG.debug("notification stream [target: {}, status: {}]", config.name(),
                            status)));
        }
        connected.onFailure(e -> {
            LOG.warn("server not reachable [target: {}]: {}", config.name(), e.getMessage());
            scheduleReconnect();
        });
    }

    /** The SSE transport's one stream carries every answer: when it ends, the target connects again. */
    private void onSseStreamLost(HttpMcpSession session) {
        if (session == shared && !restarts.stopped()) {
            LOG.warn("event stream ended [target: {}]", config.name());
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (!restarts.stopped()) {
            lost(config.name() + " is not reachable");
            restarts.schedule(this::reconnect);
        }
    }
}
