package errgroupkatas.bench;

import static errgroupkatas.bench.StoryNumbers.FRIENDS;
import static errgroupkatas.bench.StoryNumbers.ID_MS;
import static errgroupkatas.bench.StoryNumbers.LOOKUP_MS;
import static errgroupkatas.bench.StoryNumbers.MAPPERS;
import static errgroupkatas.bench.StoryNumbers.USER;
import static errgroupkatas.bench.StoryNumbers.ms;

import errgroupkatas.dashboard.DashboardAggregator;
import errgroupkatas.dashboard.Option;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Fail fast and deadlines: one call fails (or the deadline passes) at time X while every other call
 * would take 10·X. The critical path is X: the call must end when the failure is known, having
 * interrupted and joined the calls still in flight, not when they would have finished.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FailFastBenchmarks {
    /** The first friend (id 1001, read after one interval) fails after one lookup latency. */
    static final long FAILING_FRIEND = 1001;
    static final int SLOW_MS = 10 * LOOKUP_MS;
    /** The dashboard: the order service fails after one lookup latency, the profile would take 10 times that. */
    static final int FAIL_MS = LOOKUP_MS;
    static final int DEADLINE_MS = 100;

    private final FriendService friends = Fakes.friends(FRIENDS, ms(ID_MS));
    private final ProfileService profiles =
            Fakes.profilesFailing(FAILING_FRIEND, ms(LOOKUP_MS), ms(SLOW_MS));
    private final DashboardAggregator failingOrders = DashboardAggregator.create(
            Fakes.profiles(ms(10 * FAIL_MS)), Fakes.ordersFailing(ms(FAIL_MS)),
            Option.withTimeout(Duration.ofSeconds(10)), Option.withLogger(Fakes.silentLogger()));
    private final DashboardAggregator late = DashboardAggregator.create(
            Fakes.profiles(ms(10 * DEADLINE_MS)), Fakes.orders(ms(10 * DEADLINE_MS)),
            Option.withTimeout(ms(DEADLINE_MS)), Option.withLogger(Fakes.silentLogger()));

    @Benchmark
    @CriticalPath(label = "03 errgroup fail-fast: 1st lookup fails, others 1 s", ms = ID_MS + LOOKUP_MS,
            formula = "10 + 100 (the failure)")
    public Exception kata03FailFast() throws Exception {
        return expectFailure(() -> new errgroupkatas.errgroup.FriendsHandler(friends, profiles, MAPPERS)
                .friendsOf(USER), FriendsException.class);
    }

    @Benchmark
    @CriticalPath(label = "04 select fail-fast: 1st lookup fails, others 1 s", ms = ID_MS + LOOKUP_MS,
            formula = "10 + 100 (the failure)")
    public Exception kata04FailFast() throws Exception {
        return expectFailure(() -> new errgroupkatas.select.FriendsPipeline(friends, profiles, MAPPERS)
                .firstFriends(USER, FRIENDS, Duration.ofSeconds(10)), FriendsException.class);
    }

    @Benchmark
    @CriticalPath(label = "06 dashboard fail-fast: orders fail at 100 ms, profile 1 s", ms = FAIL_MS,
            formula = "100 (the failure)")
    public Exception kata06FailFast() throws Exception {
        return expectFailure(() -> failingOrders.aggregate(USER), DashboardAggregator.DashboardException.class);
    }

    @Benchmark
    @CriticalPath(label = "06 dashboard deadline: timeout 100 ms, calls 1 s", ms = DEADLINE_MS,
            formula = "100 (the timeout)")
    public Exception kata06Deadline() throws Exception {
        return expectFailure(() -> late.aggregate(USER), TimeoutException.class);
    }

    @FunctionalInterface
    interface Call {
        Object run() throws Exception;
    }

    /** Runs {@code call} and returns its failure; fails the benchmark unless it threw a {@code type}. */
    static Exception expectFailure(Call call, Class<? extends Exception> type) {
        Object answer;
        try {
            answer = call.run();
        } catch (Exception e) {
            if (type.isInstance(e)) {
                return e;
            }
            throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + e, e);
        }
        throw new IllegalStateException("expected " + type.getSimpleName() + ", got an answer: " + answer);
    }
}
