package dev.xiaozhi.relay.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The answer of a call made on this node without the event bus, delivered on the caller's context as a reply
 * would be, and failed as the bus fails a reply ({@link ReplyFailure#RECIPIENT_FAILURE} with the target's code), so
 * that the caller cannot tell the two paths apart.
 */
final class DirectReply<T> implements CallReply {

    private final Context caller;
    private final Promise<T> answer = Promise.promise();

    /** @param caller where the answer is delivered; null to deliver it on the target's own thread */
    DirectReply(Context caller) {
        this.caller = caller;
    }

    Future<T> future() {
        return answer.future();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void reply(Object result) {
        deliver(() -> answer.tryComplete((T) result));
    }

    @Override
    public void fail(int code, String message) {
        ReplyException failure = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
        deliver(() -> answer.tryFail(failure));
    }

    private void deliver(Runnable completion) {
        if (caller == null) {
            completion.run();
        } else {
            caller.runOnContext(v -> completion.run());
        }
    }
}
