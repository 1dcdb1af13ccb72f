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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Kata 04, part B: the friends handler as a leak-free pipeline over {@link Channel}s (a learner's
 * version: the stages of one call are collected unstarted, then started together).
 */
public final class FriendsPipeline {
    private final FriendService friends;
    private final ProfileService profiles;
    private final int mappers;

    public FriendsPipeline(FriendService friends, ProfileService profiles, int mappers) {
        if (mappers < 1) {
            throw new IllegalArgumentException("mappers must be at least 1, got " + mappers);
        }
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.mappers = mappers;
    }

    public List<User> firstFriends(long userId, int limit, Duration deadline)
            throws FriendsException, InterruptedException, TimeoutException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        List<User> result = new ArrayList<>();
        if (limit == 0) {
            return result;
        }
        forEachFriend(userId, deadline, user -> {
            result.add(user);
            return result.size() < limit;
        });
        return result;
    }

    public void forEachFriend(long userId, Duration deadline, Predicate<? super User> sink)
            throws FriendsException, InterruptedException, TimeoutException {
        Objects.requireNonNull(sink, "sink");
        long end = System.nanoTime() + deadline.toNanos();
        Channel<Long> ids = new Channel<>(0);
        Channel<User> found = new Channel<>(0);
        Run run = new Run();

        run.go("friend-ids", () -> {
            try {
                FriendIdCursor cursor = friends.friendIds(userId);
                while (true) {
                    OptionalLong id = cursor.next();
                    if (id.isEmpty()) {
                        break;
                    }
                    ids.send(id.getAsLong());
                }
            } catch (ServiceException e) {
                throw new FriendsException("could not read the friends of user " + userId, e);
            } finally {
                ids.close();
            }
        });
        AtomicInteger mappersRunning = new AtomicInteger(mappers);
        for (int i = 0; i < mappers; i++) {
            run.go("mapper-" + i, () -> {
                try {
                    while (true) {
                        Optional<Long> id = ids.receive();
                        if (id.isEmpty()) {
                            break;
                        }
                        found.send(lookUp(id.get()));
                    }
                } finally {
                    if (mappersRunning.decrementAndGet() == 0) {
                        found.close();
                    }
                }
            });
        }
        run.startAll();

        try {
            while (true) {
                long left = end - System.nanoTime();
                Optional<User> user = found.receive(Duration.ofNanos(Math.max(left, 0)));
                if (user.isEmpty()) {
                    break;
                }
                if (!sink.test(user.get())) {
                    return;
                }
            }
        } finally {
            run.cancelAndJoin();
        }
        run.rethrow();
    }

    private User lookUp(long friendId) throws FriendsException, InterruptedException {
        try {
            return profiles.profile(friendId);
        } catch (ServiceException e) {
            throw new FriendsException("could not look up friend " + friendId, e);
        }
    }

    @FunctionalInterface
    private interface Task {
        void run() throws Exception;
    }

    /** The stages of one call: the first failure cancels the others. */
    private static final class Run {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean cancelled;

        void go(String name, Task task) {
            threads.add(Thread.ofVirtual().name(name).unstarted(() -> {
                try {
                    task.run();
                } catch (Exception e) {
                    failure.set(e);
                    cancel();
                }
            }));
        }

        void startAll() {
            threads.forEach(Thread::start);
        }

        void cancel() {
            cancelled = true;
            threads.forEach(Thread::interrupt);
        }

        void cancelAndJoin() {
            cancel();
            boolean interrupted = false;
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void rethrow() throws FriendsException, InterruptedException {
            Exception e = failure.get();
            if (e == null) {
                return;
            }
            if (e instanceof FriendsException fe) {
                throw fe;
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("a stage failed", e);
        }
    }
}
