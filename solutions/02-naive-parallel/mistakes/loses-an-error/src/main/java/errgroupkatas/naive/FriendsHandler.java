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
 * <p>A handler keeps nothing between calls: it may be called again, and by several threads at
 * once; each call returns only its own user's friends.
 *
 * <pre>{@code
 * var handler = new FriendsHandler(friendService, profileService, 10);
 * List<User> friends = handler.friendsOf(42);   // about n·10 + 100 ms instead of n·110 ms
 * }</pre>
 */
public final class FriendsHandler {
    /** The end of the id stream: one per mapper, each mapper stops at the first it takes. */
    private static final OptionalLong NO_MORE_IDS = OptionalLong.empty();
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
     * first id arrives, while the cursor is still reading, and the producer runs ahead of the
     * lookups by a bounded number of ids only. At most {@code mappers} lookups run at
     * once, and as many as that whenever enough ids are waiting. When this method returns (or
     * throws), every thread it started has ended.
     *
     * <p>Failure (kept simple on purpose; doing it well is kata 03): if opening the cursor, a
     * {@code next()} or a lookup fails, this method throws {@link FriendsException} whose cause is
     * the very exception the service threw and whose message names the friend ({@code "friend
     * <id>"}) for a failed lookup or the user ({@code "user <userId>"}) for failed ids; a
     * {@code next()} that failed ends the ids (it is not called again). A service call that throws
     * an unchecked exception or an {@link Error} fails it too: that exception reaches the caller,
     * thrown as it is or as the cause of a {@link FriendsException}, never lost on a thread. It
     * throws once the pipeline has run down (every thread it started has ended): the other lookups
     * may still be made after the failure. It never hangs.
     *
     * <p>Interruption: if the calling thread is interrupted while it waits, this method
     * interrupts the threads it started, waits for them to end, and throws
     * {@link InterruptedException}, its interrupt status clear (as the JDK's blocking methods leave
     * it). It interrupts only the threads it started, never its caller: whatever the outcome, it
     * never leaves the caller's interrupt status set.
     */
    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        FriendIdCursor cursor;
        try {
            cursor = friends.friendIds(userId);
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        BlockingQueue<OptionalLong> ids = new ArrayBlockingQueue<>(mappers);
        // Unbounded on purpose: the reducer keeps every result anyway, and a mapper that can always
        // hand its result over can never be stuck behind a reducer that has stopped reading.
        BlockingQueue<Optional<User>> users = new LinkedBlockingQueue<>();
        AtomicInteger mappersLeft = new AtomicInteger(mappers);
        AtomicReference<FriendsException> firstFailure = new AtomicReference<>();

        List<User> result = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            threads.add(Thread.ofVirtual().name("producer").start(() -> produce(userId, cursor, ids, firstFailure)));
            for (int i = 0; i < mappers; i++) {
                threads.add(Thread.ofVirtual().name("mapper-" + i)
                        .start(() -> map(ids, users, mappersLeft, firstFailure)));
            }
            for (Optional<User> user = users.take(); user.isPresent(); user = users.take()) {
                result.add(user.get());
            }
            // The end of the results: every thread has done its work, but may not have ended yet.
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (Throwable e) { // an interrupt (or a thread that could not start): stop the others where they wait
            threads.forEach(Thread::interrupt);
            joinAll(threads);
            throw e;
        }
        FriendsException failure = firstFailure.get();
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /**
     * Waits until every one of {@code threads} has ended: a task that is done is not a thread that
     * has ended (an executor's {@code close()} returns in between). Deaf to interrupts: the caller
     * is leaving with an exception already, and must not leave before its threads.
     */
    private static void joinAll(List<Thread> threads) {
        for (Thread thread : threads) {
            boolean ended = false;
            while (!ended) {
                try {
                    thread.join();
                    ended = true;
                } catch (InterruptedException again) {
                    // Already leaving: wait on.
                }
            }
        }
    }

    /** The producer: every id into the queue, then one end-of-stream marker per mapper. */
    private void produce(long userId, FriendIdCursor cursor, BlockingQueue<OptionalLong> ids,
            AtomicReference<FriendsException> firstFailure) {
        try {
            try {
                for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                    ids.put(id);
                }
            } catch (ServiceException | RuntimeException e) { // MISTAKE: every exception, but not an Error
                firstFailure.compareAndSet(null, new FriendsException("cannot read the friend ids of user " + userId, e));
            }
            for (int i = 0; i < mappers; i++) {
                ids.put(NO_MORE_IDS);
            }
        } catch (InterruptedException e) {
            // The handler is stopping the pipeline: ending this thread is the answer.
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
                } catch (ServiceException | RuntimeException e) { // MISTAKE: every exception, but not an Error
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
