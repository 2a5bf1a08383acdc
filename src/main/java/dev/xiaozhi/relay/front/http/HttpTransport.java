package dev.xiaozhi.relay.front.http;

import dev.xiaozhi.relay.front.SessionHost;
import dev.xiaozhi.relay.front.SessionTransport;
import dev.xiaozhi.relay.model.DeviceIdentity;
import io.vertx.core.Context;

/**
 * What the transports of the two HTTP fronts share ({@link HttpSession}, {@link SseSession}): a session id that the
 * client sends back with each request, the device it belongs to, the peer that opened it, and the context that owns
 * it, onto which requests that arrive on another verticle's connection hop with {@link #run}.
 */
abstract class HttpTransport implements SessionTransport {

    private final String id;
    private final String device;
    private final String remote;
    private final Context context;
    /** The host that opened the session, told when it ends. */
    protected final SessionHost host;

    HttpTransport(String id, DeviceIdentity identity, String remote, Context context, SessionHost host) {
        this.id = id;
        this.device = HttpSessions.deviceKey(identity);
        this.remote = remote;
        this.context = context;
        this.host = host;
    }

    /** The session's id, as the client sends it back. */
    final String id() {
        return id;
    }

    /** Whose session it is: {@code tenant/device}. */
    final String device() {
        return device;
    }

    /** Runs a task on the context that owns the session. Any thread. */
    final void run(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    @Override
    public final String remote() {
        return remote;
    }
}
