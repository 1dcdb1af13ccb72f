package errgroupkatas.naive;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Kata 02: the friends handler as a pipeline.
 *
 * <p>One producer thread reads the user's friend ids from the friend service's cursor into a
 * bounded queue; {@code mappers} mapper threads take ids from that queue and look each friend's
 * profile up; the calling thread (the reducer) collects the profiles. The last mapper to finish
 * signals the end of the results: "last one out closes shop".
 *
 * <pre>{@code
 * var handler = new FriendsHandler(friendService, profileService, 10);
 * List<User> friends = handler.friendsOf(42);   // about n·10 + 100 ms instead of n·110 ms
 * }</pre>
 */
public final class FriendsHandler {
    /** The end of the results: put by the last mapper to finish. */
    private static final Optional<User> NO_MORE_USERS = Optional.empty();

    private final FriendService friends;
    private final ProfileService profiles;
    private final int mappers;

    /**
     * @param mappers how many profile lookups may run at once; at least 1
     * @throws IllegalArgumentException {@code mappers} is less than 1
     */
    public FriendsHandler(FriendService friends, ProfileService profiles, int mappers) {
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        if (mappers < 1) {
            throw new IllegalArgumentException("mappers must be at least 1, was " + mappers);
        }
        this.mappers = mappers;
    }

    /**
     * Returns the profiles of {@code userId}'s friends, each exactly once, in no particular order;
     * an empty list if the user has none.
     *
     * <p>Concurrency: the ids are streamed, not collected first: lookups begin as soon as the
     * first id arrives, while the cursor is still reading. At most {@code mappers} lookups run at
     * once, and as many as that whenever enough ids are waiting. When this method returns (or
     * throws), every thread it started has ended.
     *
     * <p>Failure (kept simple on purpose; doing it well is kata 03): if opening the cursor, a
     * {@code next()} or a lookup fails, this method throws {@link FriendsException} whose cause is
     * the very exception the service threw and whose message names the friend ({@code "friend
     * <id>"}) for a failed lookup or the user ({@code "user <userId>"}) for failed ids. It throws
     * once the pipeline has run down: the other lookups may still be made after the failure. It
     * never hangs.
     *
     * <p>Interruption: if the calling thread is interrupted while it waits, this method
     * interrupts the threads it started, waits for them to end, and throws
     * {@link InterruptedException}.
     */
    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        FriendIdCursor cursor;
        try {
            cursor = friends.friendIds(userId);
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        BlockingQueue<OptionalLong> ids = new ArrayBlockingQueue<>(mappers);
        BlockingQueue<Optional<User>> users = new LinkedBlockingQueue<>();
        AtomicInteger mappersLeft = new AtomicInteger(mappers);
        AtomicReference<FriendsException> firstFailure = new AtomicReference<>();
        AtomicInteger idsRead = new AtomicInteger();
        CountDownLatch allIdsRead = new CountDownLatch(1);

        // The mistake: the ids counted instead of ended, and the mappers still waiting for more are
        // stopped with shutdownNow(), which interrupts them and returns at once: it never waits.
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            threads.execute(() -> {
                try {
                    for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                        ids.put(id);
                        idsRead.incrementAndGet();
                    }
                } catch (ServiceException e) {
                    firstFailure.compareAndSet(null,
                            new FriendsException("cannot read the friend ids of user " + userId, e));
                } catch (InterruptedException e) {
                    // stopped
                }
                allIdsRead.countDown();
            });
            for (int i = 0; i < mappers; i++) {
                threads.execute(() -> map(ids, users, mappersLeft, firstFailure));
            }
            allIdsRead.await();
            List<User> result = new ArrayList<>();
            while (result.size() < idsRead.get() && firstFailure.get() == null) {
                users.take().ifPresent(result::add);
            }
            FriendsException failure = firstFailure.get();
            if (failure != null) {
                throw failure;
            }
            return result;
        } finally {
            threads.shutdownNow();
        }
    }

    /** A mapper: looks up each id it takes; the last mapper to stop ends the results. */
    private void map(BlockingQueue<OptionalLong> ids, BlockingQueue<Optional<User>> users,
            AtomicInteger mappersLeft, AtomicReference<FriendsException> firstFailure) {
        try {
            for (OptionalLong id = ids.take(); id.isPresent(); id = ids.take()) {
                long friend = id.getAsLong();
                try {
                    users.add(Optional.of(profiles.profile(friend)));
                } catch (ServiceException | RuntimeException e) {
                    firstFailure.compareAndSet(null,
                            new FriendsException("cannot look up the profile of friend " + friend, e));
                }
            }
        } catch (InterruptedException e) {
            // The handler is stopping the pipeline: ending this thread is the answer.
        } finally {
            if (mappersLeft.decrementAndGet() == 0) {
                users.add(NO_MORE_USERS); // last one out closes shop
            }
        }
    }
}
