package errgroupkatas.bench;

import static errgroupkatas.bench.StoryNumbers.LOOKUP_MS;
import static errgroupkatas.bench.StoryNumbers.MANY;
import static errgroupkatas.bench.StoryNumbers.USER;
import static errgroupkatas.bench.StoryNumbers.ms;

import errgroupkatas.bounded.LimitedGroup;
import errgroupkatas.bounded.WorkerPoolGroup;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The same solutions at 10 000 friends (or tasks), on virtual threads. With the story's 10 ms
 * between ids, 10 000 ids alone take 100 s; here the ids are all there at once (0 ms apart) and
 * the story's 100 ms lookups run 1 000 at a time (1 000 mappers, a limit of 1 000, 1 000
 * workers), so the critical path is ceil(10 000 / 1 000) · 100 ms = 1 s.
 *
 * <p>The rows marked {@code bar = false} run 10 000 lookups all at once (one mapper per friend):
 * the critical path is one lookup, 100 ms, and the rest is what starting, waking and joining
 * 10 000 virtual threads costs on this machine; the floor row measures that cost with no kata
 * code at all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScaleBenchmarks {
    static final int AT_A_TIME = 1_000;
    static final int ROUNDS = (MANY + AT_A_TIME - 1) / AT_A_TIME;

    private final FriendService friends = Fakes.friends(MANY, Duration.ZERO);
    private final ProfileService profiles = Fakes.profiles(ms(LOOKUP_MS));

    @Benchmark
    @CriticalPath(label = "02 naive parallel: 10 000 friends, 1 000 mappers", ms = ROUNDS * LOOKUP_MS,
            formula = "ceil(10 000/1 000)·100")
    public List<User> kata02NaiveParallel() throws Exception {
        return StoryBenchmarks.expectFriends(
                new errgroupkatas.naive.FriendsHandler(friends, profiles, AT_A_TIME).friendsOf(USER), MANY);
    }

    @Benchmark
    @CriticalPath(label = "03 errgroup: 10 000 friends, 1 000 mappers", ms = ROUNDS * LOOKUP_MS,
            formula = "ceil(10 000/1 000)·100")
    public List<User> kata03ErrGroup() throws Exception {
        return StoryBenchmarks.expectFriends(
                new errgroupkatas.errgroup.FriendsHandler(friends, profiles, AT_A_TIME).friendsOf(USER), MANY);
    }

    @Benchmark
    @CriticalPath(label = "04 select: 10 000 friends, 1 000 mappers", ms = ROUNDS * LOOKUP_MS,
            formula = "ceil(10 000/1 000)·100")
    public List<User> kata04Select() throws Exception {
        return StoryBenchmarks.expectFriends(new errgroupkatas.select.FriendsPipeline(friends, profiles, AT_A_TIME)
                .firstFriends(USER, MANY, Duration.ofSeconds(60)), MANY);
    }

    @Benchmark
    @CriticalPath(label = "05 LimitedGroup: 10 000 lookups, limit 1 000", ms = ROUNDS * LOOKUP_MS,
            formula = "ceil(10 000/1 000)·100")
    public void kata05LimitedGroup() throws Exception {
        LimitedGroup group = new LimitedGroup();
        group.setLimit(AT_A_TIME);
        for (int i = 0; i < MANY; i++) {
            long id = 1001 + i;
            group.go(() -> profiles.profile(id));
        }
        group.await();
    }

    @Benchmark
    @CriticalPath(label = "05 WorkerPoolGroup: 10 000 lookups, 1 000 workers", ms = ROUNDS * LOOKUP_MS,
            formula = "ceil(10 000/1 000)·100")
    public void kata05WorkerPoolGroup() throws Exception {
        WorkerPoolGroup group = new WorkerPoolGroup(AT_A_TIME);
        for (int i = 0; i < MANY; i++) {
            long id = 1001 + i;
            group.go(() -> profiles.profile(id));
        }
        group.await();
    }

    @Benchmark
    @CriticalPath(label = "all at once: floor (JDK executor, no kata code)", ms = LOOKUP_MS,
            formula = "100 (one lookup)", bar = false)
    public void allAtOnceFloor() {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < MANY; i++) {
                long id = 1001 + i;
                executor.submit(() -> profiles.profile(id));
            }
        }
    }

    @Benchmark
    @CriticalPath(label = "all at once: 02 naive parallel, 10 000 mappers", ms = LOOKUP_MS,
            formula = "100 (one lookup)", bar = false)
    public List<User> allAtOnceKata02() throws Exception {
        return StoryBenchmarks.expectFriends(
                new errgroupkatas.naive.FriendsHandler(friends, profiles, MANY).friendsOf(USER), MANY);
    }

    @Benchmark
    @CriticalPath(label = "all at once: 03 errgroup, 10 000 mappers", ms = LOOKUP_MS,
            formula = "100 (one lookup)", bar = false)
    public List<User> allAtOnceKata03() throws Exception {
        return StoryBenchmarks.expectFriends(
                new errgroupkatas.errgroup.FriendsHandler(friends, profiles, MANY).friendsOf(USER), MANY);
    }

    @Benchmark
    @CriticalPath(label = "all at once: 04 select, 10 000 mappers", ms = LOOKUP_MS,
            formula = "100 (one lookup)", bar = false)
    public List<User> allAtOnceKata04() throws Exception {
        return StoryBenchmarks.expectFriends(new errgroupkatas.select.FriendsPipeline(friends, profiles, MANY)
                .firstFriends(USER, MANY, Duration.ofSeconds(60)), MANY);
    }
}
