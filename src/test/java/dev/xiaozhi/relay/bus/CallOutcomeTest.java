package dev.xiaozhi.relay.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Verifies the table of call outcomes: the breaker's verdict, the metric tag, the failure code and the text. */
class CallOutcomeTest {

    /** Verifies each outcome's verdict, tag and device-facing text, with the tags the metrics had before. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            OK               | false | ok               | 42       | 42
            TOOL_ERROR       | false | tool_error       | no x     | no x
            UPSTREAM_ERROR   | false | upstream_error   | (-32602) | py answered with an error: (-32602)
            BUSY             | false | busy             | 1 queued | py is busy (1 queued); try again shortly
            UNAVAILABLE      | false | unavailable      | here     | py is unavailable here; try again in a little while
            TIMEOUT          | true  | timeout          | 2 s      | py did not answer within 2 s
            TRANSPORT_FAILED | true  | transport_failed | exit 137 | py failed: exit 137
            CANCELLED        | false | cancelled        | gave up  | py call cancelled: gave up
            """)
    void decidesVerdictTagAndText(CallOutcome outcome, boolean failsUpstream, String tag, String detail, String text) {
        assertThat(outcome.failsUpstream()).isEqualTo(failsUpstream);
        assertThat(outcome.tag()).isEqualTo(tag);
        assertThat(outcome.text("py", detail)).isEqualTo(text);
    }

    /** Verifies that codes are distinct, map back to their outcome, and keep the values of the old failure codes. */
    @Test
    void mapsCodesBothWays() {
        assertThat(Arrays.stream(CallOutcome.values()).map(CallOutcome::code)).doesNotHaveDuplicates();
        for (CallOutcome outcome : CallOutcome.values()) {
            assertThat(CallOutcome.ofCode(outcome.code())).contains(outcome);
        }
        assertThat(CallOutcome.ofCode(1)).contains(CallOutcome.BUSY);
        assertThat(CallOutcome.ofCode(2)).contains(CallOutcome.UNAVAILABLE);
        assertThat(CallOutcome.ofCode(3)).contains(CallOutcome.TIMEOUT);
        assertThat(CallOutcome.ofCode(4)).contains(CallOutcome.TRANSPORT_FAILED);
        assertThat(CallOutcome.ofCode(-1)).isEmpty();
    }

    /** Verifies how deadlines are written. */
    @Test
    void writesDurations() {
        assertThat(CallOutcome.duration(2000)).isEqualTo("2 s");
        assertThat(CallOutcome.duration(300)).isEqualTo("300 ms");
    }
}
