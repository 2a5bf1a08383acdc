package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.auth.AuthThrottle;
import dev.xiaozhi.relay.auth.DeviceDirectory;
import dev.xiaozhi.relay.model.DeviceIdentity;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a device gets in, on every inbound front alike: the token from {@code Authorization: Bearer} or
 * {@code ?token=} (for clients that can only set a URL), the failed-authentication throttle per remote address, and
 * the directory lookup. Thread-safe, shared by the fronts of a node.
 */
public final class DeviceGate {

    /** Why a device was not let in, with the HTTP status to answer and the handshake metric's outcome. */
    public enum Refusal {

        /** The address failed too often: 429. */
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
     * @param identity the device let in; null when refused
     * @param refusal  why not; null when let in
     */
    public record Verdict(DeviceIdentity identity, Refusal refusal) {
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

    /** Whether an address is refused right now, whatever it presents. */
    public boolean blocked(String address) {
        return throttle.blocked(address);
    }

    /**
     * Counts a failed authentication of some other kind of token (a provider's).
     *
     * @return the refusal to answer: throttled once the address went over its limit, else unauthorized
     */
    public Refusal failed(String address) {
        return throttle.failed(address) ? Refusal.THROTTLED : Refusal.UNAUTHORIZED;
    }

    /**
     * Lets a device in by its token, or says why not; never fails.
     *
     * @param address the peer's host address, which the throttle counts against
     * @param remote  the peer's address as logged
     */
    public Future<Verdict> admit(String address, String remote, String token) {
        if (throttle.blocked(address)) {
            return Future.succeededFuture(new Verdict(null, Refusal.THROTTLED));
        }
        return devices.authenticate(token).transform(found -> {
            if (found.failed()) {
                LOG.warn("device refused: registry unavailable [remote: {}]: {}", remote,
                        found.cause().getMessage());
                return Future.succeededFuture(new Verdict(null, Refusal.UNAVAILABLE));
            }
            DeviceIdentity identity = found.result().orElse(null);
            if (identity != null) {
                return Future.succeededFuture(new Verdict(identity, null));
            }
            LOG.info("device refused [remote: {}, reason: {}]", remote,
                    token == null ? "missing token" : "unknown or revoked token");
            return Future.succeededFuture(new Verdict(null, failed(address)));
        });
    }
}
