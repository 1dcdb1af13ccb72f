import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.StructuredTaskScope.Subtask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The friends handler's fan-out on the JDK's own errgroup, {@code StructuredTaskScope} (a preview
 * API in Java 25, JEP 505). Not a kata answer: the katas build their groups themselves (see
 * docs/structured-task-scope.md). Run it from the repository root with
 *
 * <pre>
 * java --enable-preview --source 25 docs/examples/StructuredFriends.java
 * </pre>
 *
 * It runs six scenarios against small fake services, checks each result, prints a line per
 * scenario, and exits non-zero (an uncaught AssertionError) when a result is wrong. CI runs it.
 */
public class StructuredFriends {

    // ---------------------------------------------------------------------------------------------
    // The handler: one scope per call. The owner thread reads the friend ids and forks one lookup
    // per id, at most maxInFlight at once; the first failure, or the timeout, cancels the scope.

    static List<User> friendsOf(FriendService friends, ProfileService profiles, long userId,
                                int maxInFlight, Duration timeout)
            throws FriendsException, TimeoutException, InterruptedException {
        // The scope has no SetLimit: a semaphore bounds the lookups in flight. The owner takes a
        // permit before each fork; the subtask gives it back in a finally, however it ends.
        var slots = new Semaphore(maxInFlight);
        try (var scope = StructuredTaskScope.open(
                Joiner.<User>allSuccessfulOrThrow(),           // first failure cancels the rest
                cf -> cf.withName("friends-of-" + userId)        // shows up in thread dumps
                        .withTimeout(timeout))) {                // one deadline for the whole scope
            try {
                FriendIdCursor cursor = friends.friendIds(userId);
                for (var id = cursor.next(); id.isPresent() && !scope.isCancelled(); id = cursor.next()) {
                    long friend = id.getAsLong();
                    slots.acquire();                              // blocks while maxInFlight run
                    scope.fork(() -> {                            // only the owner may fork
                        try {
                            return profiles.profile(friend);
                        } catch (ServiceException e) {
                            throw new FriendsException("cannot look up friend " + friend, e);
                        } finally {
                            slots.release();
                        }
                    });
                }
            } catch (ServiceException e) {
                // Leaving the block cancels the scope and waits for every lookup (close()).
                throw new FriendsException("cannot read the friend ids of user " + userId, e);
            }
            return scope.join()                                   // waits: all done, or cancelled
                    .map(Subtask::get)                            // in fork order: the ids' order
                    .toList();
        } catch (StructuredTaskScope.FailedException e) {
            // The first subtask's failure, the very object it threw, is the cause.
            switch (e.getCause()) {
                case FriendsException f -> throw f;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new FriendsException("listing the friends of user " + userId + " failed", e.getCause());
            }
        } catch (StructuredTaskScope.TimeoutException e) {
            // Not java.util.concurrent.TimeoutException: the scope's own, and unchecked.
            throw new TimeoutException("friends of user " + userId + ": no answer within " + timeout);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Scenarios: each checks its result, then prints one line.

    static final Duration FOREVER = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        allFriends();
        bounded();
        failsFast();
        cursorFails();
        timeout();
        threadDumpShowsTheScope();
        System.out.printf("StructuredFriends: 6 scenarios OK in %d ms%n", millisSince(start));
    }

    /** Six friends, ids 10 ms apart, lookups 100 ms: the story's numbers. */
    static void allFriends() throws Exception {
        var lookups = new Lookups(Duration.ofMillis(100), -1);
        long start = System.nanoTime();
        List<User> users = friendsOf(idsEvery(Duration.ofMillis(10), 1, 2, 3, 4, 5, 6), lookups, 42, 10, FOREVER);
        long millis = millisSince(start);
        check(users.stream().map(User::id).toList().equals(List.of(1L, 2L, 3L, 4L, 5L, 6L)),
                "every friend, in the order the ids arrived: " + users);
        check(lookups.ended.get() == 6 && lookups.interrupted.get() == 0, "six lookups, none interrupted");
        System.out.printf("  all friends: 6 profiles in %d ms (serial: about 660 ms), %d lookups at once at the peak%n",
                millis, lookups.peak.get());
    }

    /** Twelve friends, at most three lookups in flight: the semaphore is the scope's SetLimit. */
    static void bounded() throws Exception {
        var lookups = new Lookups(Duration.ofMillis(50), -1);
        List<User> users = friendsOf(idsEvery(Duration.ZERO, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
                lookups, 42, 3, FOREVER);
        check(users.size() == 12, "twelve profiles: " + users);
        check(lookups.peak.get() <= 3, "never more than 3 lookups at once, saw " + lookups.peak.get());
        System.out.printf("  bounded: 12 profiles, at most %d lookups at once (limit 3)%n", lookups.peak.get());
    }

    /** Friend 3's lookup fails at once; the others would take 10 s: they are interrupted. */
    static void failsFast() throws Exception {
        var lookups = new Lookups(FOREVER, 3);
        long start = System.nanoTime();
        try {
            friendsOf(idsEvery(Duration.ofMillis(10), 1, 2, 3, 4, 5, 6), lookups, 42, 10, FOREVER);
            throw new AssertionError("expected a FriendsException");
        } catch (FriendsException e) {
            long millis = millisSince(start);
            check(e.getMessage().contains("friend 3"), "the error names the friend: " + e.getMessage());
            check(e.getCause() == lookups.failure.get(), "the cause is the service's very exception");
            check(millis < 5_000, "failed fast, not after the 10 s lookups: " + millis + " ms");
            check(lookups.ended.get() == lookups.started.get(), "every lookup had ended when the call returned");
            check(lookups.interrupted.get() == lookups.started.get() - 1, "every other lookup was interrupted");
            System.out.printf("  fails fast: \"%s\" after %d ms; %d other lookups interrupted and ended%n",
                    e.getMessage(), millis, lookups.interrupted.get());
        }
    }

    /** The cursor fails after two ids: the lookups in flight are cancelled by leaving the block. */
    static void cursorFails() throws Exception {
        var lookups = new Lookups(FOREVER, -1);
        var failure = new ServiceException("friend service unavailable");
        FriendService friends = userId -> {
            var ids = new AtomicInteger();
            return () -> {
                if (ids.incrementAndGet() > 2) {
                    throw failure;
                }
                return OptionalLong.of(ids.get());
            };
        };
        try {
            friendsOf(friends, lookups, 42, 10, FOREVER);
            throw new AssertionError("expected a FriendsException");
        } catch (FriendsException e) {
            check(e.getMessage().contains("user 42") && e.getCause() == failure, "names the user, keeps the cause");
            check(lookups.ended.get() == lookups.started.get(), "every lookup had ended when the call returned");
            // close() reports that the owner left without join(): a suppressed IllegalStateException.
            check(e.getSuppressed().length == 1 && e.getSuppressed()[0] instanceof IllegalStateException,
                    "close() adds \"Owner did not join after forking\" as suppressed");
            System.out.printf("  cursor fails: \"%s\"; %d lookups interrupted; suppressed: %s%n",
                    e.getMessage(), lookups.interrupted.get(), e.getSuppressed()[0].getMessage());
        }
    }

    /** A 200 ms timeout against lookups that would take 10 s. */
    static void timeout() throws Exception {
        var lookups = new Lookups(FOREVER, -1);
        long start = System.nanoTime();
        try {
            friendsOf(idsEvery(Duration.ZERO, 1, 2, 3), lookups, 42, 10, Duration.ofMillis(200));
            throw new AssertionError("expected a TimeoutException");
        } catch (TimeoutException e) {
            long millis = millisSince(start);
            check(millis >= 200 && millis < 5_000, "the timeout ended it: " + millis + " ms");
            check(lookups.started.get() == 3 && lookups.interrupted.get() == 3 && lookups.ended.get() == 3,
                    "all three lookups were interrupted and had ended");
            System.out.printf("  timeout: %s after %d ms; 3 lookups interrupted and ended%n", e.getMessage(), millis);
        }
    }

    /** A JSON thread dump taken inside a lookup lists the scope by name, with its threads. */
    static void threadDumpShowsTheScope() throws Exception {
        var dump = new AtomicReference<String>();
        ProfileService dumping = id -> {
            if (id == 1) {
                dump.set(threadDump());
            }
            return new User(id, "user-" + id);
        };
        friendsOf(idsEvery(Duration.ZERO, 1, 2), dumping, 7, 10, FOREVER);
        String json = dump.get();
        int at = json.indexOf("\"container\": \"friends-of-7");
        check(at >= 0, "the thread dump has a container named friends-of-7");
        check(json.indexOf("threadDumpShowsTheScope", at) > at, "the lookup's thread is listed in it");
        System.out.println("  thread dump: the scope \"friends-of-7\" is a thread container with its lookups' threads");
    }

    // ---------------------------------------------------------------------------------------------
    // The story's services in miniature (the katas' own are in katas/story), and fakes of them.

    record User(long id, String name) {
    }

    static class ServiceException extends Exception {
        ServiceException(String message) {
            super(message);
        }
    }

    static class FriendsException extends Exception {
        FriendsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    interface FriendIdCursor {
        OptionalLong next() throws ServiceException, InterruptedException;
    }

    interface FriendService {
        FriendIdCursor friendIds(long userId) throws ServiceException, InterruptedException;
    }

    interface ProfileService {
        User profile(long id) throws ServiceException, InterruptedException;
    }

    /** A friend service whose ids arrive {@code gap} apart. */
    static FriendService idsEvery(Duration gap, long... ids) {
        return userId -> {
            var next = new AtomicInteger();
            return () -> {
                if (next.get() == ids.length) {
                    return OptionalLong.empty();
                }
                Thread.sleep(gap);
                return OptionalLong.of(ids[next.getAndIncrement()]);
            };
        };
    }

    /** A profile service that takes {@code latency} a lookup, fails at once for {@code failing}, and counts. */
    static final class Lookups implements ProfileService {
        final Duration latency;
        final long failing;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicReference<ServiceException> failure = new AtomicReference<>();

        Lookups(Duration latency, long failing) {
            this.latency = latency;
            this.failing = failing;
        }

        @Override
        public User profile(long id) throws ServiceException, InterruptedException {
            started.incrementAndGet();
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (id == failing) {
                    failure.set(new ServiceException("no profile for " + id));
                    throw failure.get();
                }
                Thread.sleep(latency);
                return new User(id, "user-" + id);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            } finally {
                inFlight.decrementAndGet();
                ended.incrementAndGet();
            }
        }
    }

    static String threadDump() {
        try {
            Path file = Files.createTempDirectory("structured-friends").resolve("threads.json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(file);
            Files.delete(file);
            Files.delete(file.getParent());
            return json;
        } catch (Exception e) {
            throw new AssertionError("cannot take a thread dump", e);
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("StructuredFriends: wrong result: " + what);
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
