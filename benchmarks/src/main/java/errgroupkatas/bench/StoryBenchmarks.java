package errgroupkatas.bench;

import static errgroupkatas.bench.StoryNumbers.BOUNDED_LIMIT;
import static errgroupkatas.bench.StoryNumbers.BOUNDED_TASKS;
import static errgroupkatas.bench.StoryNumbers.BOUNDED_TASK_MS;
import static errgroupkatas.bench.StoryNumbers.FRIENDS;
import static errgroupkatas.bench.StoryNumbers.ID_MS;
import static errgroupkatas.bench.StoryNumbers.LOOKUP_MS;
import static errgroupkatas.bench.StoryNumbers.MAPPERS;
import static errgroupkatas.bench.StoryNumbers.USER;
import static errgroupkatas.bench.StoryNumbers.ms;

import errgroupkatas.bounded.LimitedGroup;
import errgroupkatas.bounded.WorkerPoolGroup;
import errgroupkatas.dashboard.DashboardAggregator;
import errgroupkatas.dashboard.Option;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Every kata's reference solution on the story's numbers, when all goes well: one call per
 * measurement ({@link Mode#SingleShotTime}), against the critical path its fakes allow.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StoryBenchmarks {
    /** The dashboard's two calls: the profile (the story's lookup) and a slower order lookup. */
    static final int PROFILE_MS = LOOKUP_MS;
    static final int ORDER_MS = 150;

    private final FriendService friends = Fakes.friends(FRIENDS, ms(ID_MS));
    private final ProfileService profiles = Fakes.profiles(ms(LOOKUP_MS));
    private final DashboardAggregator dashboard = DashboardAggregator.create(
            Fakes.profiles(ms(PROFILE_MS)), Fakes.orders(ms(ORDER_MS)),
            Option.withTimeout(Duration.ofSeconds(10)), Option.withLogger(Fakes.silentLogger()));

    @Benchmark
    @CriticalPath(label = "01 serial: 6 friends", ms = FRIENDS * (ID_MS + LOOKUP_MS) + ID_MS,
            formula = "6·(10 + 100) + 10 (the read that finds the end)")
    public List<User> kata01Serial() throws Exception {
        return expectFriends(new errgroupkatas.serial.FriendsHandler(friends, profiles).friendsOf(USER), FRIENDS);
    }

    @Benchmark
    @CriticalPath(label = "02 naive parallel: 6 friends, 10 mappers", ms = FRIENDS * ID_MS + LOOKUP_MS,
            formula = "6·10 + 100")
    public List<User> kata02NaiveParallel() throws Exception {
        return expectFriends(new errgroupkatas.naive.FriendsHandler(friends, profiles, MAPPERS).friendsOf(USER),
                FRIENDS);
    }

    @Benchmark
    @CriticalPath(label = "03 errgroup: 6 friends, 10 mappers", ms = FRIENDS * ID_MS + LOOKUP_MS,
            formula = "6·10 + 100")
    public List<User> kata03ErrGroup() throws Exception {
        return expectFriends(new errgroupkatas.errgroup.FriendsHandler(friends, profiles, MAPPERS).friendsOf(USER),
                FRIENDS);
    }

    @Benchmark
    @CriticalPath(label = "04 select: 6 friends, 10 mappers", ms = FRIENDS * ID_MS + LOOKUP_MS,
            formula = "6·10 + 100")
    public List<User> kata04Select() throws Exception {
        return expectFriends(new errgroupkatas.select.FriendsPipeline(friends, profiles, MAPPERS)
                .firstFriends(USER, FRIENDS, Duration.ofSeconds(10)), FRIENDS);
    }

    @Benchmark
    @CriticalPath(label = "04 select: first 3 of 6 friends (early stop)", ms = 3 * ID_MS + LOOKUP_MS,
            formula = "3·10 + 100 (the 3rd lookup ends)")
    public List<User> kata04SelectEarlyStop() throws Exception {
        return expectFriends(new errgroupkatas.select.FriendsPipeline(friends, profiles, MAPPERS)
                .firstFriends(USER, 3, Duration.ofSeconds(10)), 3);
    }

    @Benchmark
    @CriticalPath(label = "05 LimitedGroup: 20 tasks of 50 ms, limit 4",
            ms = ((BOUNDED_TASKS + BOUNDED_LIMIT - 1) / BOUNDED_LIMIT) * BOUNDED_TASK_MS,
            formula = "ceil(20/4)·50")
    public void kata05LimitedGroup() throws Exception {
        LimitedGroup group = new LimitedGroup();
        group.setLimit(BOUNDED_LIMIT);
        Duration task = ms(BOUNDED_TASK_MS);
        for (int i = 0; i < BOUNDED_TASKS; i++) {
            group.go(() -> Thread.sleep(task));
        }
        group.await();
    }

    @Benchmark
    @CriticalPath(label = "05 WorkerPoolGroup: 20 tasks of 50 ms, 4 workers",
            ms = ((BOUNDED_TASKS + BOUNDED_LIMIT - 1) / BOUNDED_LIMIT) * BOUNDED_TASK_MS,
            formula = "ceil(20/4)·50")
    public void kata05WorkerPoolGroup() throws Exception {
        WorkerPoolGroup group = new WorkerPoolGroup(BOUNDED_LIMIT);
        Duration task = ms(BOUNDED_TASK_MS);
        for (int i = 0; i < BOUNDED_TASKS; i++) {
            group.go(() -> Thread.sleep(task));
        }
        group.await();
    }

    @Benchmark
    @CriticalPath(label = "06 dashboard: profile 100 ms, orders 150 ms", ms = PROFILE_MS > ORDER_MS ? PROFILE_MS : ORDER_MS,
            formula = "max(100, 150): the slower call")
    public String kata06Dashboard() throws Exception {
        return dashboard.aggregate(USER);
    }

    /** Fails the benchmark unless the call returned {@code expected} friends: a wrong answer is not a result. */
    static List<User> expectFriends(List<User> users, int expected) {
        if (users.size() != expected) {
            throw new IllegalStateException("expected " + expected + " friends, got " + users.size());
        }
        return users;
    }
}
