package errgroupkatas.bench;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.OrderService;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The story's services with the latencies of support's fakes and none of their bookkeeping.
 *
 * <p>Timing is the same as {@code FakeFriendService} / {@code FakeProfileService} /
 * {@code FakeOrderService} with {@code Reply.after(latency)}: every call sleeps its latency
 * (interruptibly), and a cursor's {@code next()} sleeps the id interval every time, including the
 * call that finds the end. What they leave out is the {@code CallLog}: it records every call in a
 * {@code CopyOnWriteArrayList}, so the 20 000 calls of a 10 000-friend run would copy an array
 * 20 000 times and charge the fake's cost to the solution.
 */
final class Fakes {
    private Fakes() {
    }

    /** Friend ids 1001, 1002, … (as support's fake), {@code count} of them, {@code interval} apart. */
    static FriendService friends(int count, Duration interval) {
        return userId -> new FriendIdCursor() {
            private int position;

            @Override
            public OptionalLong next() throws InterruptedException {
                sleep(interval);
                return position < count ? OptionalLong.of(1001 + position++) : OptionalLong.empty();
            }
        };
    }

    /** Every lookup answers {@code User(id, "user-<id>")} after {@code latency}. */
    static ProfileService profiles(Duration latency) {
        return id -> {
            sleep(latency);
            return new User(id, "user-" + id);
        };
    }

    /**
     * The lookup of {@code failingId} fails after {@code failAfter}; every other lookup answers
     * after {@code othersLatency}.
     */
    static ProfileService profilesFailing(long failingId, Duration failAfter, Duration othersLatency) {
        return id -> {
            if (id == failingId) {
                sleep(failAfter);
                throw new ServiceException("profile(" + id + ") failed (the benchmark made it fail)");
            }
            sleep(othersLatency);
            return new User(id, "user-" + id);
        };
    }

    /** Every lookup answers {@code userId * 10 + 5} after {@code latency}. */
    static OrderService orders(Duration latency) {
        return userId -> {
            sleep(latency);
            return userId * 10 + 5;
        };
    }

    /** Every lookup fails after {@code latency}. */
    static OrderService ordersFailing(Duration latency) {
        return userId -> {
            sleep(latency);
            throw new ServiceException("latestOrder(" + userId + ") failed (the benchmark made it fail)");
        };
    }

    /** A logger that drops everything: the dashboard's INFO and ERROR lines are not measured. */
    static System.Logger silentLogger() {
        return new System.Logger() {
            @Override
            public String getName() {
                return "silent";
            }

            @Override
            public boolean isLoggable(Level level) {
                return false;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
            }
        };
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (d.isPositive()) {
            Thread.sleep(d);
        }
    }
}
