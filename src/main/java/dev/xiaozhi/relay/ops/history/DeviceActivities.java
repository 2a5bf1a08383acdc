package dev.xiaozhi.relay.ops.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link DeviceActivity} of at most {@code maxDevices} devices, by tenant and device (a lookup builds no key);
 * past the bound the tenth of them that were idle longest are forgotten. Thread-safe.
 */
public final class DeviceActivities {

    private final int maxDevices;
    private final Map<String, Map<String, DeviceActivity>> byTenant = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    /** Keeps the activity of at most {@code maxDevices} devices. */
    public DeviceActivities(int maxDevices) {
        this.maxDevices = maxDevices;
    }

    /** The activity of a device, created when it has none yet. */
    public DeviceActivity of(String tenant, String device) {
        Map<String, DeviceActivity> devices = byTenant.get(tenant);
        DeviceActivity activity = devices == null ? null : devices.get(device);
        return activity != null ? activity : create(tenant, device);
    }

    /** The activity of a device, or null when it has none here. */
    public DeviceActivity find(String tenant, String device) {
        Map<String, DeviceActivity> devices = byTenant.get(tenant);
        return devices == null ? null : devices.get(device);
    }

    /** The devices of a tenant with activity here, by id (a live view). */
    public Map<String, DeviceActivity> ofTenant(String tenant) {
        return byTenant.getOrDefault(tenant, Map.of());
    }

    /** How many devices have activity here. */
    public int size() {
        return size.get();
    }

    private DeviceActivity create(String tenant, String device) {
        DeviceActivity created = new DeviceActivity();
        DeviceActivity existing = byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>())
                .putIfAbsent(device, created);
        if (existing != null) {
            return existing;
        }
        if (size.incrementAndGet() > maxDevices) {
            evictIdlest();
        }
        return created;
    }

    private synchronized void evictIdlest() {
        if (size.get() <= maxDevices) {
            return;
        }
        record Entry(String tenant, String device, long touched) {
        }
        List<Entry> all = new ArrayList<>(size.get());
        byTenant.forEach((tenant, devices) -> devices.forEach((device, activity) ->
                all.add(new Entry(tenant, device, activity.touched()))));
        all.sort(Comparator.comparingLong(Entry::touched));
        int evict = Math.max(1, all.size() - maxDevices + maxDevices / 10);
        for (int i = 0; i < evict && i < all.size(); i++) {
            Entry entry = all.get(i);
            Map<String, DeviceActivity> devices = byTenant.get(entry.tenant());
            if (devices != null && devices.remove(entry.device()) != null) {
                size.decrementAndGet();
            }
        }
    }
}
