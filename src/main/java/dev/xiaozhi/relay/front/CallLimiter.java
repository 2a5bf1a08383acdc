package dev.xiaozhi.relay.front;

import dev.xiaozhi.relay.model.DeviceIdentity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Token buckets for tool calls on this node: one per tenant ({@code callsPerMinute} across its devices) and one per
 * device ({@code deviceCallsPerMinute}), each holding up to a minute's worth and refilled continuously. Thread-safe.
 * In a cluster each node grants a tenant its share, {@code callsPerMinute} divided by the number of live nodes, so
 * the limit holds cluster-wide without a network round trip per call: exactly when a tenant's calls spread evenly
 * over the nodes, more strictly when they crowd on fewer (a tenant using one node of three gets a third). A device
 * has one session at a time, so its bucket is local.
 */
public final class CallLimiter {

    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final long MILLI_NANOS = 1_000_000L;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final IntSupplier nodes;

    /** @param nodes how many nodes share the tenants' limits now (1 when alone) */
    public CallLimiter(IntSupplier nodes) {
        this.nodes = nodes;
    }

    /**
     * Takes one call from the device's and its tenant's buckets.
     *
     * @return 0 when the call may go, else the milliseconds until it could
     */
    public long tryAcquire(DeviceIdentity identity) {
        long now = System.nanoTime();
        int tenantRate = share(identity.limits().callsPerMinute());
        int deviceRate = identity.limits().deviceCallsPerMinute();
        Bucket device = deviceRate > 0 ? bucket(identity.tenant() + "/" + identity.device(), deviceRate) : null;
        Bucket tenant = tenantRate > 0 ? bucket(identity.tenant(), tenantRate) : null;
        long wait = Math.max(device == null ? 0 : device.waitNanos(now), tenant == null ? 0 : tenant.waitNanos(now));
        if (wait > 0) {
            return Math.max(1, wait / MILLI_NANOS);
        }
        if (device != null && !device.take(now)) {
            return 1;
        }
        if (tenant != null && !tenant.take(now)) {
            device.giveBack();
            return 1;
        }
        return 0;
    }

    /** This node's part of a cluster-wide rate, at least 1 when the rate is set. */
    private int share(int perMinute) {
        int sharing = Math.max(1, nodes.getAsInt());
        return perMinute <= 0 ? perMinute : Math.max(1, (perMinute + sharing - 1) / sharing);
    }

    private Bucket bucket(String key, int perMinute) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perMinute));
        if (bucket.perMinute != perMinute) {
            bucket = new Bucket(perMinute);
            buckets.put(key, bucket);
        }
        return bucket;
    }

    /** One bucket: {@code perMinute} calls of capacity, refilled at that rate. */
    private static final class Bucket {

        final int perMinute;
        private double tokens;
        private long refilledAt = System.nanoTime();

        Bucket(int perMinute) {
            this.perMinute = perMinute;
            this.tokens = perMinute;
        }

        synchronized long waitNanos(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) ((1 - tokens) * MINUTE_NANOS / perMinute);
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized void giveBack() {
            tokens = Math.min(perMinute, tokens + 1);
        }

        private void refill(long now) {
            tokens = Math.min(perMinute, tokens + (now - refilledAt) * (double) perMinute / MINUTE_NANOS);
            refilledAt = now;
        }
    }
}
