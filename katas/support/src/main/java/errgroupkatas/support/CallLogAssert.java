package errgroupkatas.support;

import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link CallLog} that speak the kata's language and print the timeline
 * when they fail:
 *
 * <pre>{@code
 * assertThatCalls(log).reachedConcurrency(10).neverExceededConcurrency(10);
 * assertThatCalls(log).hasNoCallStartedAfterEnd(failed);
 * }</pre>
 */
public final class CallLogAssert extends AbstractAssert<CallLogAssert, CallLog> {
    private String hint = "";

    private CallLogAssert(CallLog actual) {
        super(actual, CallLogAssert.class);
    }

    /** Entry point. */
    public static CallLogAssert assertThatCalls(CallLog log) {
        return new CallLogAssert(log);
    }

    /** Ends every failure message of this assertion with {@code hint} (see {@link Kata#hint}). */
    public CallLogAssert withHint(String hint) {
        this.hint = hint;
        return this;
    }

    /** At some moment at least {@code n} calls were in flight at once. */
    public CallLogAssert reachedConcurrency(int n) {
        isNotNull();
        if (actual.maxInFlight() < n) {
            fail("Expected %d calls in flight at once at some moment, but never more than %d were: the calls ran"
                    + " %s.", n, actual.maxInFlight(), actual.maxInFlight() <= 1 ? "one after another" : "too few at a time");
        }
        return this;
    }

    /** At no moment were more than {@code n} calls in flight at once. */
    public CallLogAssert neverExceededConcurrency(int n) {
        isNotNull();
        if (actual.maxInFlight() > n) {
            fail("Expected never more than %d calls in flight at once, but %d were at one moment.", n,
                    actual.maxInFlight());
        }
        return this;
    }

    /** At some moment at least {@code n} calls named {@code prefix…} were in flight at once. */
    public CallLogAssert reachedConcurrency(String prefix, int n) {
        isNotNull();
        int max = actual.maxInFlight(prefix);
        if (max < n) {
            fail("Expected %d calls to %s…) in flight at once at some moment, but never more than %d were: they ran"
                    + " %s.", n, prefix, max, max <= 1 ? "one after another" : "too few at a time");
        }
        return this;
    }

    /** At no moment were more than {@code n} calls named {@code prefix…} in flight at once. */
    public CallLogAssert neverExceededConcurrency(String prefix, int n) {
        isNotNull();
        int max = actual.maxInFlight(prefix);
        if (max > n) {
            fail("Expected never more than %d calls to %s…) in flight at once, but %d were at one moment.", n, prefix,
                    max);
        }
        return this;
    }

    /** No call started after {@code call} ended: the work stopped at the failure. */
    public CallLogAssert hasNoCallStartedAfterEnd(Call call) {
        isNotNull();
        List<Call> late = actual.startedAfterEnd(call);
        if (!late.isEmpty()) {
            fail("Expected no call to start after %s ended, but %d did, first %s.", call.name(), late.size(),
                    late.getFirst().name());
        }
        return this;
    }

    /** Every call has ended. */
    public CallLogAssert hasNothingInFlight() {
        isNotNull();
        List<Call> running = actual.inFlight();
        if (!running.isEmpty()) {
            fail("Expected every call to have ended, but %d are still in flight, e.g. %s.", running.size(),
                    running.getFirst());
        }
        return this;
    }

    /** Exactly {@code n} calls whose name starts with {@code prefix} were made. */
    public CallLogAssert hasCalls(String prefix, int n) {
        isNotNull();
        int made = actual.calls(prefix).size();
        if (made != n) {
            fail("Expected %d calls to %s…, but %d were made.", n, prefix, made);
        }
        return this;
    }

    private void fail(String format, Object... args) {
        failWithMessage("%s%n%s%s", String.format(format, args), actual.timeline(), hint.isEmpty() ? "" : hint);
    }
}
