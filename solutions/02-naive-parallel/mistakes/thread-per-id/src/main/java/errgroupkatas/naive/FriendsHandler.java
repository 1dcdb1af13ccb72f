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
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
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
    private final FriendService friends;
    private final ProfileService profiles;
    @SuppressWarnings("unused")
    private final int mappers; // the mistake never uses it

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

    /** The mistake: a virtual thread for every id, however many ids there are. */
    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        FriendIdCursor cursor;
        try {
            cursor = friends.friendIds(userId);
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        BlockingQueue<User> users = new LinkedBlockingQueue<>();
        AtomicReference<FriendsException> firstFailure = new AtomicReference<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                    long friend = id.getAsLong();
                    threads.execute(() -> {
                        try {
                            users.add(profiles.profile(friend));
                        } catch (ServiceException | RuntimeException e) {
                            firstFailure.compareAndSet(null,
                                    new FriendsException("cannot look up the profile of friend " + friend, e));
                        } catch (InterruptedException e) {
                            // stopped
                        }
                    });
                }
            } catch (ServiceException e) {
                firstFailure.compareAndSet(null, new FriendsException("cannot read the friend ids of user " + userId, e));
            } catch (InterruptedException e) {
                threads.shutdownNow();
                throw e;
            }
        } // close() waits for every lookup
        if (firstFailure.get() != null) {
            throw firstFailure.get();
        }
        return new ArrayList<>(users);
    }
}
