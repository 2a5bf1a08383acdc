package dev.xiaozhi.relay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xiaozhi.relay.config.AdminConfig.AdminToken;
import dev.xiaozhi.relay.config.DashboardConfig;
import dev.xiaozhi.relay.model.TokenHash;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's session store on a clock the test moves. */
class DashboardSessionsTest {

    private static final AdminToken OPS = new AdminToken("ops", TokenHash.ofPlain("xzr_ops"), false);
    private static final AdminToken VIEWER = new AdminToken("viewer", TokenHash.ofPlain("xzr_viewer"), true);

    private final AtomicLong now = new AtomicLong();
    private final DashboardSessions sessions = new DashboardSessions(new DashboardConfig(Duration.ofMinutes(30), 2),
            now::get);

    /**
     * Verifies that a session is its token's, with a CSRF token of its own, and that use keeps it alive.
     * GIVEN sessions of an admin and a reader token
     * WHEN each is used every 20 minutes for an hour
     * THEN each is still there, in its token's role, and its CSRF token matches only itself.
     */
    @Test
    void keepsUsedSessionsInTheirTokensRole() {
        DashboardSessions.Opened admin = sessions.open(OPS);
        DashboardSessions.Opened reader = sessions.open(VIEWER);
        for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofMinutes(20).toNanos());
            assertThat(sessions.find(admin.cookie())).isPresent();
            assertThat(sessions.find(reader.cookie())).isPresent();
        }

        assertThat(sessions.find(admin.cookie()).orElseThrow().role()).isEqualTo("admin");
        assertThat(sessions.find(reader.cookie()).orElseThrow().role()).isEqualTo("reader");
        assertThat(admin.cookie()).isNotEqualTo(reader.cookie()).startsWith("xzr_").hasSizeGreaterThan(40);
        assertThat(admin.session().csrfMatches(admin.session().csrf())).isTrue();
        assertThat(admin.session().csrfMatches(reader.session().csrf())).isFalse();
        assertThat(admin.session().csrfMatches(null)).isFalse();
    }

    /**
     * Verifies that sessions end when idle, when closed, and when the bound is reached.
     * GIVEN at most 2 sessions that end after 30 idle minutes
     * WHEN one is closed, one stays idle 30 minutes, and three are opened one after another
     * THEN the closed and the idle one are gone, and of the three the one idle the longest is gone.
     */
    @Test
    void endsIdleClosedAndOldestSessions() {
        DashboardSessions.Opened closed = sessions.open(OPS);
        DashboardSessions.Opened idle = sessions.open(OPS);
        sessions.close(closed.cookie(), null);
        now.addAndGet(Duration.ofMinutes(30).toNanos());

        assertThat(sessions.find(closed.cookie())).isEmpty();
        assertThat(sessions.find(idle.cookie())).isEmpty();

        DashboardSessions.Opened first = sessions.open(OPS);
        now.addAndGet(1);
        DashboardSessions.Opened second = sessions.open(OPS);
        now.addAndGet(1);
        DashboardSessions.Opened third = sessions.open(OPS);

        assertThat(sessions.find(first.cookie())).isEmpty();
        assertThat(sessions.find(second.cookie())).isPresent();
        assertThat(sessions.find(third.cookie())).isPresent();
        assertThat(sessions.find("xzr_unknown")).isEmpty();
    }
}
