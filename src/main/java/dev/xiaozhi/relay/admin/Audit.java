package dev.xiaozhi.relay.admin;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of the admin API: one line per change that took effect, on the logger {@value #LOGGER}, saying who
 * (the admin token's name), what (an action and its subject), when and from where. Never a token, hash or endpoint.
 */
final class Audit {

    /** The audit logger's name. */
    static final String LOGGER = "dev.xiaozhi.relay.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private Audit() {
    }

    /** Records a change made by the request's admin. */
    static void record(RoutingContext ctx, String action, String subject) {
        LOG.info("admin change [actor: {}, action: {}, subject: {}, at: {}, remote: {}]", ctx.<String>get(
                AdminAuth.ACTOR), action, subject, Instant.now(), ctx.request().remoteAddress());
    }
}
