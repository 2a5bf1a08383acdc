package dev.xiaozhi.relay.ops.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Verifies that what looks like a secret in a server's stderr is blanked out, and the rest of the line kept. */
@Timeout(10)
class RedactionTest {

    /** Verifies that named secrets lose their values, whatever the separator and quoting. */
    @Test
    void blanksNamedSecrets() {
        assertThat(Redaction.redact("using API_KEY=abc123 and password: \"hunter 2\", client_secret='s3'"))
                .isEqualTo("using API_KEY=[redacted] and password: [redacted], client_secret=[redacted]");
        assertThat(Redaction.redact("{\"access_token\": \"tok\"}")).isEqualTo("{\"access_token\": [redacted]}");
        assertThat(Redaction.redact("url?token=xyz&page=2")).isEqualTo("url?token=[redacted]&page=2");
    }

    /** Verifies that bearer tokens, JSON web tokens and long hex or base64 runs go. */
    @Test
    void blanksBearerTokensAndLongRuns() {
        assertThat(Redaction.redact("Authorization: Bearer abc.def-ghi")).doesNotContain("abc.def-ghi");
        assertThat(Redaction.redact("got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig back"))
                .isEqualTo("got [redacted] back");
        assertThat(Redaction.redact("id 0123456789abcdef0123456789abcdef!")).isEqualTo("id [redacted]!");
        assertThat(Redaction.redact("blob QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjQy==")).isEqualTo("blob [redacted]");
    }

    /** Verifies that ordinary lines, paths and short words stay as they were. */
    @Test
    void keepsOrdinaryText() {
        String line = "error: cannot open /usr/lib/python3/dist-packages/some_module/__init__.py (errno 2)";
        assertThat(Redaction.redact(line)).isEqualTo(line);
        assertThat(Redaction.redact("listening on port 8080")).isEqualTo("listening on port 8080");
    }
}
