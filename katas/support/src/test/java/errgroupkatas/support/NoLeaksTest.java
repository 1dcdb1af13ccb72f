package errgroupkatas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import errgroupkatas.support.planted.LeakyCode;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

@DisplayName("The no-leaks extension of a kata's tests")
class NoLeaksTest {
    static final Kata PLANTED = new Kata("00-planted", "errgroupkatas.support.planted");

    @Test
    @DisplayName("makes a lost error the failure of a test that failed because of it, the test's own message below")
    void lostErrorLeadsTheFailure() throws Throwable {
        Kata.NoLeaks noLeaks = PLANTED.noLeaks(1);
        noLeaks.beforeEach(context(null));
        LeakDetector threads = PLANTED.leakSnapshot();
        LeakyCode.panicInATask(); // a task's Error, on an executor's worker
        // The executor's close() may return just before the dying worker runs the handler; a group
        // that joins its threads (as kata code does) returns after it. Wait as joining would.
        threads.assertNoLeaks();
        AssertionError testFailure = new AssertionError("Expecting actual not to be null");

        Throwable reported = catchThrowable(() -> noLeaks.handleTestExecutionException(context(null), testFailure));

        assertThat(reported).isInstanceOf(AssertionError.class).cause().isSameAs(testFailure);
        assertThat(reported.getMessage())
                .startsWith("Lost errors: 1 thread started by the kata code died of an exception nothing caught.")
                .contains("died of java.lang.AssertionError: planted: a panic", "LeakyCode.panic", "<- kata code",
                        "Hint: hint 1 of kata 00-planted: mvn -q -Phint -Dkata=00 -Dhint=1 (or h in the coach)")
                .endsWith("The test failed too, most likely because of it:\nExpecting actual not to be null");
        // After the test: the lost error was reported already, so it is not attached a second time.
        assertThatCode(() -> noLeaks.afterEach(context(reported))).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("leaves a test's failure as it is when no error was lost")
    void failureWithoutLostErrors() throws Throwable {
        Kata.NoLeaks noLeaks = PLANTED.noLeaks(3);
        noLeaks.beforeEach(context(null));
        AssertionError testFailure = new AssertionError("expected 3 but was 2");

        assertThat(catchThrowable(() -> noLeaks.handleTestExecutionException(context(null), testFailure)))
                .isSameAs(testFailure);
        noLeaks.afterEach(context(testFailure));
    }

    @Test
    @DisplayName("fails a passing test that lost an error")
    void passingTestThatLostAnError() throws Throwable {
        Kata.NoLeaks noLeaks = PLANTED.noLeaks(3);
        noLeaks.beforeEach(context(null));
        LeakyCode.panicInATask();

        assertThat(catchThrowable(() -> noLeaks.afterEach(context(null)))).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Lost errors: 1 thread")
                .hasMessageContaining("died of java.lang.AssertionError: planted: a panic");
    }

    @Test
    @DisplayName("marks each test's start for the stuck report, and clears the mark after it")
    void marksTheTestsStart() throws Throwable {
        Kata.NoLeaks noLeaks = PLANTED.noLeaks(3);
        long before = TestThreads.nextId();
        noLeaks.beforeEach(context(null));
        assertThat(TestThreads.firstIdOfTestOr(Long.MAX_VALUE)).isGreaterThan(before);
        noLeaks.afterEach(context(null));
        assertThat(TestThreads.firstIdOfTestOr(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    /** An extension context that knows only whether the test failed, which is all NoLeaks asks it. */
    private static ExtensionContext context(Throwable failure) {
        return (ExtensionContext) Proxy.newProxyInstance(NoLeaksTest.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getExecutionException" -> Optional.ofNullable(failure);
                    case "toString" -> "a planted test's context";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
