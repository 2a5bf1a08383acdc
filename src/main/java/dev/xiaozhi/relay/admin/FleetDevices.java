package dev.xiaozhi.relay.admin;

import dev.xiaozhi.relay.registry.Device;
import dev.xiaozhi.relay.registry.Registry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry's devices by tenant, in id order, read once for the fleet view's pages and counts rather than once
 * per request (a read parses every device): kept until the registry changes, or for {@value #MAX_AGE_MS} ms at
 * most. Used on the admin verticle's context only.
 */
final class FleetDevices {

    /** How long a read is kept at most. */
    static final long MAX_AGE_MS = 10_000;

    private final Registry registry;
    private Future<Map<String, List<Device>>> byTenant;
    private long readAt;

    FleetDevices(Registry registry) {
        this.registry = registry;
    }

    /** Every tenant's devices in id order, by tenant id (tenants without devices are absent). */
    Future<Map<String, List<Device>>> byTenant() {
        long now = System.currentTimeMillis();
        if (byTenant == null || now - readAt > MAX_AGE_MS) {
            Future<Map<String, List<Device>>> reading = registry.allDevices().map(all -> {
                Map<String, List<Device>> grouped = new HashMap<>();
                all.forEach(device -> grouped.computeIfAbsent(device.tenant(), t -> new ArrayList<>()).add(device));
                return grouped;
            });
            byTenant = reading;
            readAt = now;
            reading.onFailure(e -> {
                if (byTenant == reading) {
                    byTenant = null;
                }
            });
        }
        return byTenant;
    }

    /** The registry changed: the next read goes to it. */
    void changed() {
        byTenant = null;
    }
}
