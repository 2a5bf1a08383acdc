package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.TokenHash;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a device gets in, on every inbound front alike: the token from {@code Authorization: Bearer} or
 * {@code ?token=} (for clients that can only set a URL), the failed-authentication throttle per token and remote
 * address (counting each lookup before it runs), and the directory lookup. Thread-safe, shared by the fronts of a node.
 */
public final class DeviceGate {

    /** Why a device was not let in, with the HTTP status to answer and the handshake metric's outcome. */
    public enum Refusal {

        /** The token failed too often from the address, or the address presented too many bad tokens: 429. */
        THROTTLED(429, "throttled"),
        /** No token, or one that is unknown, revoked or expired: 401. */
        UNAUTHORIZED(401, "unauthorized"),
        /** The registry could not answer: 503. */
        UNAVAILABLE(503, "registry_unavailable");

        private final int status;
        private final String outcome;

        Refusal(int status, String outcome) {
            this.status = status;
            this.outcome = outcome;
        }

        /** The HTTP status to answer. */
        public int status() {
            return status;
        }

        /** The outcome label of the handshake metric. */
        public String outcome() {
            return outcome;
        }
    }

    /**
     * What the gate decided: the device, or why not.
     *
     * @param identity   the device let in; null when refused
     * @param refusal    why not; null when let in
     * @param credential the hash of the token it was let in with; null when refused
     */
    public record Verdict(DeviceIdentity identity, Refusal refusal, TokenHash credential) {

        static Verdict refused(Refusal refusal) {
            return new Verdict(null, refusal, null);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeviceGate.class);
    private static final String BEARER = "Bearer ";

    private final DeviceDirectory devices;
    private final AuthThrottle throttle;

    /** Creates the gate of a node. */
    public DeviceGate(DeviceDirectory devices, AuthThrottle throttle) {
        this.devices = Objects.requireNonNull(devices);
        this.throttle = Objects.requireNonNull(throttle);
    }

    /** The token a request presents: the {@code Authorization: Bearer} header first, else {@code ?token=}. */
    public static String token(MultiMap headers, String query) {
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        if (query == null) {
            return null;
        }
        List<String> values = new QueryStringDecoder(query, false).parameters().get("token");
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * Room to look up a token presented by an address, under the failed-authentication throttle: the attempt, once
     * the lookups in flight of the token and of the address leave room for it, or null when it is refused (the token
     * or the address is blocked, or too many attempts wait). Completes on the caller's context. The attempt must be
     * ended: {@code end()} for a good token or no answer, {@code failed()} for a bad one.
     */
    public Future<AuthThrottle.Attempt> room(String address, String token) {
        Context context = Vertx.currentContext();
        Promise<AuthThrottle.Attempt> room = Promise.promise();
        throttle.begin(address, token, attempt -> {
            if (context == null) {
                room.complete(attempt);
            } else {
                context.runOnContext(v -> room.complete(attempt));
            }
        });
        return room.future();
    }

    /**
     * Lets a device in by its token, or says why not; never fails.
     *
     * @param address the peer's host address, which the throttle counts against
     * @param remote  the peer's address as logged
     */
    public Future<Verdict> admit(String address, String remote, String token) {
        return room(address, token).compose(attempt -> attempt == null
                ? Future.succeededFuture(Verdict.refused(Refusal.THROTTLED))
                : devices.authenticate(token).transform(found -> {
                    if (found.failed()) {
                        attempt.end();
                        LOG.warn("device refused: registry unavailable [remote: {}]: {}", remote,
                                found.cause().getMessage());
                        return Future.succeededFuture(Verdict.refused(Refusal.UNAVAILABLE));
                    }
                    DeviceIdentity identity = found.result().orElse(null);
                    if (identity != null) {
                        attempt.end();
                        return Future.succeededFuture(new Verdict(identity, null,
                                token == null ? null : TokenHash.ofPlain(token)));
                    }
                    LOG.info("device refused [remote: {}, reason: {}]", remote,
                            token == null ? "missing token" : "unknown or revoked token");
                    return Future.succeededFuture(Verdict.refused(attempt.failed() ? Refusal.THROTTLED
                            : Refusal.UNAUTHORIZED));
                }));
    }
}
