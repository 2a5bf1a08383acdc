package dev.xiaozhi.relay.ops.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What one device did on this node: when it was last seen, its last {@value #CALLS} calls (target, outcome,
 * duration — never arguments, results, tokens or endpoints) and its pipe's last {@value #PIPE_EVENTS} state changes
 * with their close codes, in fixed rings allocated on first use: recording allocates nothing. Thread-safe.
 */
public final class DeviceActivity {

    /** Calls kept per device. */
    public static final int CALLS = 50;
    /** Pipe state changes kept per device. */
    public static final int PIPE_EVENTS = 20;

    private volatile long lastSeen;
    private volatile long touched;
    private long[] callAt;
    private String[] callTarget;
    private String[] callOutcome;
    private long[] callMicros;
    private int callNext;
    private int callSize;
    private long[] pipeAt;
    private String[] pipeState;
    private int[] pipeCode;
    private String[] pipeReason;
    private int pipeNext;
    private int pipeSize;
    private long downSince;

    /** Marks the device seen at {@code nowMs}. */
    public void seen(long nowMs) {
        lastSeen = nowMs;
        touched = nowMs;
    }

    /** When it was last seen on this node, 0 when not since the node started. */
    public long lastSeen() {
        return lastSeen;
    }

    /** When it last did anything here, for the bound on devices. */
    long touched() {
        return touched;
    }

    /** A call ended. */
    public synchronized void call(long nowMs, String target, String outcome, long nanos) {
        if (callAt == null) {
            callAt = new long[CALLS];
            callTarget = new String[CALLS];
            callOutcome = new String[CALLS];
            callMicros = new long[CALLS];
        }
        callAt[callNext] = nowMs;
        callTarget[callNext] = target;
        callOutcome[callNext] = outcome;
        callMicros[callNext] = nanos / 1_000;
        callNext = (callNext + 1) % CALLS;
        callSize = Math.min(callSize + 1, CALLS);
        seen(nowMs);
    }

    /**
     * Its pipe changed state.
     *
     * @param closeCode the close code of the connection that ended, -1 when none
     * @param reason    why (a close reason, a failed attempt), empty when none
     */
    public synchronized void pipe(long nowMs, String state, int closeCode, String reason) {
        if (pipeAt == null) {
            pipeAt = new long[PIPE_EVENTS];
            pipeState = new String[PIPE_EVENTS];
            pipeCode = new int[PIPE_EVENTS];
            pipeReason = new String[PIPE_EVENTS];
        }
        boolean connected = "connected".equals(state);
        if (connected) {
            downSince = 0;
        } else if (downSince == 0) {
            downSince = nowMs;
        }
        pipeAt[pipeNext] = nowMs;
        pipeState[pipeNext] = state;
        pipeCode[pipeNext] = closeCode;
        pipeReason[pipeNext] = reason;
        pipeNext = (pipeNext + 1) % PIPE_EVENTS;
        pipeSize = Math.min(pipeSize + 1, PIPE_EVENTS);
        touched = nowMs;
        if (connected) {
            lastSeen = nowMs;
        }
    }

    /** Since when its pipe is not connected, 0 while it is (or it has none). */
    public synchronized long pipeDownSince() {
        return downSince;
    }

    /** Since when its pipe is in its current state, 0 when it has none. */
    public synchronized long pipeSince() {
        return pipeSize == 0 ? 0 : pipeAt[Math.floorMod(pipeNext - 1, PIPE_EVENTS)];
    }

    /** Its calls, newest first: {@code {at, target, outcome, ms}}. */
    public synchronized JsonArray calls() {
        JsonArray out = new JsonArray();
        for (int k = 1; k <= callSize; k++) {
            int i = Math.floorMod(callNext - k, CALLS);
            out.add(new JsonObject().put("at", callAt[i]).put("target", callTarget[i])
                    .put("outcome", callOutcome[i]).put("ms", callMicros[i] / 1000.0));
        }
        return out;
    }

    /** Its pipe's state changes, newest first: {@code {at, state, closeCode, reason}}. */
    public synchronized JsonArray pipeHistory() {
        JsonArray out = new JsonArray();
        for (int k = 1; k <= pipeSize; k++) {
            int i = Math.floorMod(pipeNext - k, PIPE_EVENTS);
            out.add(new JsonObject().put("at", pipeAt[i]).put("state", pipeState[i])
                    .put("closeCode", pipeCode[i] < 0 ? null : pipeCode[i]).put("reason", pipeReason[i]));
        }
        return out;
    }
}
