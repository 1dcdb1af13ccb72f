package errgroupkatas.dashboard;

import static errgroupkatas.dashboard.DashboardAggregatorTest.KATA;
import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import java.util.List;

/** What the dashboard tests assert about the calls the aggregator made to the fake services. */
final class ServiceCalls {
    private ServiceCalls() {
    }

    /** The one call whose name starts with {@code prefix}: fails if there is none, or more than one. */
    static Call only(CallLog log, String prefix) {
        List<Call> calls = log.calls(prefix);
        assertThat(calls).as("calls to %s… (exactly one expected)%n%s", prefix, log.timeline()).hasSize(1);
        return calls.getFirst();
    }

    /**
     * The call named {@code prefix…} has ended, interrupted, at the moment {@code method} returned:
     * asserted at once, never waited for.
     */
    static void assertEndedInterrupted(CallLog log, String prefix, String method, String why) {
        Call call = only(log, prefix);
        assertThat(call.outcome())
                .as("%s: when %s returned, %s… must already have ended, interrupted (it was %s). A call still"
                        + " running after %s returned is a leak; one that ran to its end was never cancelled.%n%s%s",
                        why, method, prefix, call.outcome(), method, log.timeline(), KATA.hint(2))
                .isEqualTo(Call.Outcome.INTERRUPTED);
    }
}
