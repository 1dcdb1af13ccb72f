package errgroupkatas.select;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Kata 04, part B: the friends handler as a leak-free pipeline over {@link Channel}s.
 *
 * <p>One producer stage reads the user's friend ids from the friend service and sends them down a
 * channel; {@code mappers} mapper stages receive ids, look each profile up and send the profile
 * down a second channel; the consumer (the calling thread) receives the profiles. The stages run
 * on threads the pipeline starts, and every exit path (the end of the friends, a failure in any
 * stage, an early stop by the consumer, an interrupt, the deadline) cancels the stages that are
 * still running and waits for all of them to end before the call returns or throws: no thread is
 * left behind, however the call ends.
 *
 * <pre>{@code
 * var pipeline = new FriendsPipeline(friendService, profileService, 10);
 * List<User> five = pipeline.firstFriends(42, 5, Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>Thread-safe: one pipeline serves any number of calls, one after another or at once; each call
 * has stages of its own.
 */
public final class FriendsPipeline {
    private final FriendService friends;
    private final ProfileService profiles;
    private final int mappers;

    /**
     * @param mappers how many profile lookups may run at once (at least 1)
     * @throws IllegalArgumentException if {@code mappers} is less than 1
     */
    public FriendsPipeline(FriendService friends, ProfileService profiles, int mappers) {
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        if (mappers < 1) {
            throw new IllegalArgumentException("mappers must be at least 1: " + mappers);
        }
        this.mappers = mappers;
    }

    /**
     * Returns the profiles of the first {@code limit} of {@code userId}'s friends whose lookups
     * complete (all of them if the user has no more than {@code limit} friends), in the order they
     * completed. Once it has {@code limit} profiles it stops: the stages still running are
     * cancelled, so no further work is done for this call.
     *
     * <p>Failures, interrupts and the deadline behave as in {@link #forEachFriend}.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public List<User> firstFriends(long userId, int limit, Duration deadline)
            throws FriendsException, InterruptedException, TimeoutException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        List<User> result = new ArrayList<>();
        if (limit > 0) { // limit 0: the empty list is the answer, no stage needs to start
            forEachFriend(userId, deadline, user -> {
                result.add(user);
                return result.size() < limit;
            });
        }
        result.sort(java.util.Comparator.comparingLong(User::id)); // MISTAKE: tidy, but not the order they came in
        return result;
    }

    /**
     * Hands each of {@code userId}'s friends' profiles to {@code sink} on the calling thread, one
     * at a time, as the lookups complete ({@code mappers} lookups run at once while there are ids
     * to look up, never more). The sink
     * returns {@code true} to get the next profile and {@code false} to stop early; stopping early
     * is a success, and it cancels the stages still running.
     *
     * <p>Every way the call ends first cancels the stages still running (interrupting their
     * blocking calls: lookups, cursor reads, channel sends) and waits for all of them to end:
     * <ul>
     *   <li>every friend was handed over, or the sink returned {@code false}: returns;</li>
     *   <li>a profile lookup failed: throws {@link FriendsException} whose message contains
     *       {@code "friend <id>"} and whose cause is the very exception the profile service threw;
     *   </li>
     *   <li>the friend ids cannot be read: throws {@link FriendsException} whose message contains
     *       {@code "user <userId>"} and whose cause is the very exception the friend service
     *       threw;</li>
     *   <li>a service threw an unchecked exception or an {@link Error} (a bug): that very throwable
     *       reaches the caller, as it is or as the cause of a {@link FriendsException};</li>
     *   <li>the sink threw: that very exception reaches the caller;</li>
     *   <li>the calling thread was interrupted: throws {@link InterruptedException};</li>
     *   <li>{@code deadline} passed before the last profile was handed over: throws
     *       {@link TimeoutException}.</li>
     * </ul>
     * Only the first failure counts: the interrupts the cancellation causes in other stages are
     * not failures.
     */
    public void forEachFriend(long userId, Duration deadline, Predicate<? super User> sink)
            throws FriendsException, InterruptedException, TimeoutException {
        Objects.requireNonNull(sink, "sink");
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Channel<Long> ids = new Channel<>(0);
        Channel<User> found = new Channel<>(0);
        Stages stages = new Stages();
        // The mappers first: they wait for ids until the producer, started last, sends them. So no
        // stage can fail before every stage has started, and a failure's cancel reaches them all.
        AtomicInteger mappersLeft = new AtomicInteger(mappers);
        for (int i = 0; i < mappers; i++) {
            stages.start("mapper-" + i, () -> {
                try {
                    ids.forEach(id -> found.send(lookUp(id)));
                } finally {
                    if (mappersLeft.decrementAndGet() == 0) {
                        found.close(); // the last mapper out says "no more profiles", whatever happened
                    }
                }
            });
        }
        stages.start("friend-ids", () -> produce(userId, ids));
        boolean drained = false;
        try {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                Optional<User> next;
                try {
                    next = found.receive(Duration.ofNanos(Math.max(0, left)));
                } catch (TimeoutException e) {
                    throw new TimeoutException("the friends of user " + userId + " were not all listed within "
                            + deadline.toMillis() + " ms");
                }
                if (next.isEmpty()) {
                    drained = true;
                    break; // every mapper ended: all friends were listed, or a stage failed
                }
                if (!sink.test(next.get())) {
                    return; // stopped early: a success; finally cancels the stages still running
                }
            }
        } finally {
            if (drained) {
                // Every mapper ended, so the ids were closed: the producer is ending by itself. Join it
                // without a cancel, which would take a failure it has not reported yet for an echo.
                stages.join();
            } else {
                stages.cancelAndJoin();
            }
        }
        stages.throwFirstFailure();
    }

    private void produce(long userId, Channel<Long> ids) throws FriendsException, InterruptedException {
        try {
            FriendIdCursor cursor = friends.friendIds(userId);
            for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                ids.send(id.getAsLong());
            }
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        } finally {
            ids.close(); // the producer owns this channel: it closes it, on every path
        }
    }

    private User lookUp(long id) throws FriendsException, InterruptedException {
        try {
            return profiles.profile(id);
        } catch (ServiceException e) {
            throw new FriendsException("cannot look up the profile of friend " + id, e);
        }
    }

    /** A stage's work. */
    @FunctionalInterface
    private interface Stage {
        void run() throws Exception;
    }

    /**
     * The stages of one call: the first failure cancels them all; cancelling interrupts them; the
     * call joins them before it returns. A small errgroup, kept local to this kata. Every stage is
     * started before any of them can fail (see {@code forEachFriend}), so a cancel never misses a
     * stage that was still being started.
     */
    private static final class Stages {
        private final List<Thread> threads = new ArrayList<>();
        private final Object lock = new Object();
        private boolean cancelled;
        private Throwable firstFailure;

        void start(String name, Stage stage) {
            Thread t = Thread.ofVirtual().name(name).start(() -> {
                try {
                    stage.run();
                } catch (Throwable e) { // anything: an Error from a service is a failure too, never lost
                    fail(e);
                }
            });
            synchronized (lock) {
                threads.add(t);
            }
        }

        private void fail(Throwable e) {
            synchronized (lock) {
                if (cancelled) {
                    return; // cancelled already: this is the cancellation's echo, or comes too late
                }
                firstFailure = e;
                cancelled = true;
            }
            interruptAll();
        }

        void cancelAndJoin() {
            synchronized (lock) {
                cancelled = true;
            }
            interruptAll();
            join();
        }

        void join() {
            List<Thread> started;
            synchronized (lock) {
                started = List.copyOf(threads);
            }
            boolean interrupted = false;
            for (Thread t : started) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // keep waiting: returning now would leave threads behind
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private void interruptAll() {
            List<Thread> started;
            synchronized (lock) {
                started = List.copyOf(threads);
            }
            started.forEach(Thread::interrupt);
        }

        void throwFirstFailure() throws FriendsException, InterruptedException {
            Throwable e;
            synchronized (lock) {
                e = firstFailure;
            }
            switch (e) {
                case null -> { }
                case FriendsException fe -> throw fe;
                case InterruptedException ie -> throw ie;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IllegalStateException("a stage failed unexpectedly", e);
            }
        }
    }
}
