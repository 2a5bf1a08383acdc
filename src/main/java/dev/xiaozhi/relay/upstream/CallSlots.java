package dev.xiaozhi.relay.upstream;

import dev.xiaozhi.relay.bus.CallOutcome;
import dev.xiaozhi.relay.routing.CallReply;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The slots of one target, used on its verticle's context only: at most {@code maxConcurrent} calls run and at most
 * {@code maxQueued} wait (more are refused as busy at once). A waiting call is answered at its own deadline, however
 * long the calls before it take, and a running one is ended once past its deadline by one periodic timer for all.
 */
final class CallSlots {

    /** Answers a call that will not run, or not to its end: busy, timed out waiting, cancelled or stopped. */
    interface Refusal {
        void refuse(Queued call, CallOutcome outcome, String detail);
    }

    private final Vertx vertx;
    private final int maxConcurrent;
    private final int maxQueued;
    private final long timeoutMs;
    private final long timeoutNanos;
    private final Consumer<Running> runner;
    private final Refusal refusal;
    /** Calls holding a slot, by call id: where their progress goes, and what to answer should the target stop. */
    private final Map<String, Running> running = new HashMap<>();
    private final Deque<Queued> queue = new ArrayDeque<>();
    private boolean stopped;
    /** Fires at the deadline of the call waiting longest, while any waits; -1 when none is set. */
    private long queueTimer = -1;
    /** Ends the calls that ran past their deadline, ticking while any runs; -1 when none does. */
    private long deadlineTimer = -1;

    /**
     * @param timeoutMs how long a call may wait for a slot, and then how long it may run
     * @param runner    runs a call that got its slot; it calls {@link #release} once the call's answer is in
     * @param refusal   answers the calls that do not run to their end
     */
    CallSlots(Vertx vertx, int maxConcurrent, int maxQueued, long timeoutMs, Consumer<Running> runner,
            Refusal refusal) {
        this.vertx = vertx;
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.timeoutMs = timeoutMs;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.runner = runner;
        this.refusal = refusal;
    }

    /** Runs a call now, queues it, or refuses it: busy when the queue is full, unavailable once stopped. */
    void offer(Queued call) {
        if (stopped) {
            refusal.refuse(call, CallOutcome.UNAVAILABLE, "it stopped");
        } else if (running.size() < maxConcurrent) {
            run(call);
        } else if (queue.size() < maxQueued) {
            queue.add(call);
            if (queueTimer < 0) {
                armQueueTimer();
            }
        } else {
            refusal.refuse(call, CallOutcome.BUSY, running.size() + " calls in flight, " + queue.size() + " waiting");
        }
    }

    /** The running call of that id, or null. */
    Running running(String callId) {
        return running.get(callId);
    }

    /**
     * Frees a finished call's slot and runs what waits for it.
     *
     * @return false when the call was already answered (the target stopped): its answer must be dropped
     */
    boolean release(Running slot) {
        if (running.remove(slot.call().callId()) == null) {
            return false;
        }
        runQueued();
        return true;
    }

    /** Takes a call still waiting for a slot out of the queue, so it never runs; false when none is waiting. */
    boolean cancelWaiting(String callId, String reason) {
        for (Iterator<Queued> waiting = queue.iterator(); waiting.hasNext(); ) {
            Queued queued = waiting.next();
            if (queued.callId().equals(callId)) {
                waiting.remove();
                refusal.refuse(queued, CallOutcome.CANCELLED, reason);
                return true;
            }
        }
        return false;
    }

    /** Answers every call held or waiting as unavailable, and every later one too. */
    void stop() {
        stopped = true;
        if (queueTimer >= 0) {
            vertx.cancelTimer(queueTimer);
        }
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
        }
        for (Running slot : List.copyOf(running.values())) {
            running.remove(slot.call().callId());
            refusal.refuse(slot.call(), CallOutcome.UNAVAILABLE, "it stopped");
        }
        while (!queue.isEmpty()) {
            refusal.refuse(queue.poll(), CallOutcome.UNAVAILABLE, "it stopped");
        }
    }

    private void run(Queued call) {
        Running slot = new Running(call, System.nanoTime(), Promise.promise());
        running.put(call.callId(), slot);
        if (deadlineTimer < 0) {
            deadlineTimer = vertx.setPeriodic(deadlineTickMs(), id -> endOverdue());
        }
        runner.accept(slot);
    }

    private void runQueued() {
        while (running.size() < maxConcurrent && !queue.isEmpty()) {
            Queued next = queue.poll();
            if (overdue(next.started())) {
                refuseWaiting(next);
            } else {
                run(next);
            }
        }
    }

    private void armQueueTimer() {
        Queued head = queue.peek();
        if (head == null || stopped) {
            queueTimer = -1;
            return;
        }
        long dueNanos = head.started() + timeoutNanos - System.nanoTime();
        queueTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueNanos) + 1), id -> {
            while (!queue.isEmpty() && overdue(queue.peek().started())) {
                refuseWaiting(queue.poll());
            }
            armQueueTimer();
        });
    }

    private boolean overdue(long sinceNanos) {
        return System.nanoTime() - sinceNanos > timeoutNanos;
    }

    private void refuseWaiting(Queued call) {
        refusal.refuse(call, CallOutcome.TIMEOUT,
                CallOutcome.duration(timeoutMs) + " (all slots were busy)");
    }

    /**
     * A tenth of the deadline, within 10–250 ms: how late past its deadline a running call may end. One periodic
     * timer per target rather than one timer per call.
     */
    private long deadlineTickMs() {
        return Math.max(10, Math.min(250, timeoutMs / 10));
    }

    /** Ends every running call past its deadline as timed out; stops ticking once none runs. */
    private void endOverdue() {
        if (running.isEmpty()) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
            return;
        }
        List<Running> overdue = null;
        for (Running slot : running.values()) {
            if (overdue(slot.ranAt())) {
                overdue = overdue == null ? new ArrayList<>() : overdue;
                overdue.add(slot);
            }
        }
        if (overdue != null) {
            overdue.forEach(slot -> slot.answer().tryFail(TimeoutException.INSTANCE));
        }
    }

    /**
     * A tool call or request waiting for, or holding, a slot.
     *
     * @param what    the tool, or the request's method, for logs
     * @param replyTo where its progress goes, or null
     * @param work    runs it at the client
     * @param reply   where it is answered
     * @param started when it arrived, on {@link System#nanoTime()}'s clock
     */
    record Queued(String callId, String tenant, String device, String what, String replyTo,
            Supplier<Future<?>> work, CallReply reply, long started) {
    }

    /**
     * A call holding a slot.
     *
     * @param ranAt  when it got the slot, on {@link System#nanoTime()}'s clock
     * @param answer completed by the client's answer, or failed at the deadline, whichever comes first
     */
    record Running(Queued call, long ranAt, Promise<Object> answer) {
    }
}
