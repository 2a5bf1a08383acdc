package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.model.OfferKind;
import dev.xiaozhi.relay.routing.CatalogView;

/**
 * The {@code capabilities} an {@code initialize} answer announces: the union of what the session's targets offer,
 * from the catalog alone. Tools always (a session may get tools later); prompts and resources when a target the
 * session may see offers or declares them, resource subscriptions when one of those declares them; completions and
 * logging when one of them declares it.
 */
final class ServerCapabilities {

    private ServerCapabilities() {
    }

    /** The capabilities object, serialized. */
    static String of(CatalogView view) {
        StringBuilder capabilities = new StringBuilder("{\"tools\":{\"listChanged\":true}");
        if (view.offers(OfferKind.PROMPT) || view.declared("prompts")) {
            capabilities.append(",\"prompts\":{\"listChanged\":true}");
        }
        if (view.offers(OfferKind.RESOURCE) || view.declared("resources")) {
            capabilities.append(",\"resources\":{").append(view.subscribable() ? "\"subscribe\":true," : "")
                    .append("\"listChanged\":true}");
        }
        if (view.declared("completions")) {
            capabilities.append(",\"completions\":{}");
        }
        if (view.declared("logging")) {
            capabilities.append(",\"logging\":{}");
        }
        return capabilities.append('}').toString();
    }
}
