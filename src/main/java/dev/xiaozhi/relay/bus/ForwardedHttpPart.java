package dev.xiaozhi.relay.bus;

import java.util.List;

/**
 * A part of a forwarded HTTP response, from the session's owner to the node that holds the client's request: the
 * head of an event stream, the stream's pieces written since the last part, and how the response ends. A part that
 * does not end the response asks for the next hop: the receiving node replies {@code more} once it wrote it, or
 * {@code closed} when its client is gone, so that at most one part per response is in flight.
 *
 * @param startStream whether the response starts as a {@code text/event-stream} with this part
 * @param data        pieces of the event stream, in order
 * @param ending      how the response goes on
 * @param status      the status of a {@link Ending#COMPLETE} response
 * @param body        the JSON body of a {@link Ending#COMPLETE} response; null for none
 */
public record ForwardedHttpPart(boolean startStream, List<String> data, Ending ending, int status, String body) {

    /** What follows a part. */
    public enum Ending {
        /** More parts follow. */
        MORE,
        /** The event stream ends. */
        END_STREAM,
        /** The response, not a stream, ends with a status and a body. */
        COMPLETE,
        /** The response is reset: its reader was too slow. */
        RESET
    }
}
