package dev.xiaozhi.relay.ops;

/**
 * What an outbound pipe is doing, for the admin side; never its URL.
 *
 * @param tenant         tenant of the device
 * @param device         the device
 * @param state          what the pipe is doing
 * @param connectedSince epoch millis of the current connection, 0 when not connected
 * @param attempts       connection attempts since the last healthy connection
 * @param lastCloseCode  close code of the last connection, -1 when none
 * @param lastCloseReason close reason (or why the last attempt failed), empty when none
 * @param nextRetry      epoch millis of the next attempt, 0 when none is scheduled
 */
public record PipeStatus(String tenant, String device, PipeState state, long connectedSince, int attempts,
        int lastCloseCode, String lastCloseReason, long nextRetry) {
}
