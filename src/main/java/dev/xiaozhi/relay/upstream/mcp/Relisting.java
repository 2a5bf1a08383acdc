package dev.xiaozhi.relay.upstream.mcp;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One kind of re-listing after a server said a list changed: one listing at a time, and any number of changes
 * announced during it cost one more listing after it, so a server cannot keep the relay listing. Used on the
 * client's context.
 */
final class Relisting {

    private final Supplier<Future<?>> listing;
    private boolean running;
    private boolean wanted;

    /** @param listing starts one listing; its future completes when the listing is over */
    Relisting(Supplier<Future<?>> listing) {
        this.listing = listing;
    }

    /** The server said the list changed. */
    void changed() {
        if (running) {
            wanted = true;
            return;
        }
        running = true;
        listing.get().onComplete(done -> {
            running = false;
            if (wanted) {
                wanted = false;
                changed();
            }
        });
    }
}
