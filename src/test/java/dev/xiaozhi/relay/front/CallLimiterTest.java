package dev.xiaozhi.relay.front;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.model.DeviceIdentity;
import dev.xiaozhi.relay.model.TenantLimits;
import dev.xiaozhi.relay.model.ToolPolicy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Verifies that a node grants a tenant its share of the cluster-wide call rate, following the number of nodes. */
class CallLimiterTest {

    private static final TenantLimits THIRTY_A_MINUTE = new TenantLimits(0, 0, 30, 0, 0);

    /** Verifies that with three nodes each grants a third of the rate, and the whole rate once it is alone. */
    @Test
    void grantsEachNodeItsShareOfTheTenantRate() {
        AtomicInteger nodes = new AtomicInteger(3);
        CallLimiter limiter = new CallLimiter(nodes::get);
        DeviceIdentity device = new DeviceIdentity("acme", "kitchen", ToolPolicy.ALLOW_ALL, THIRTY_A_MINUTE);

        assertThat(granted(limiter, device, 40)).isEqualTo(10);
        assertThat(limiter.tryAcquire(device)).isGreaterThan(0);
        nodes.set(1);
        assertThat(granted(limiter, device, 40)).isEqualTo(30);
    }

    private static int granted(CallLimiter limiter, DeviceIdentity device, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(device) == 0) {
                granted++;
            }
        }
        return granted;
    }
}
