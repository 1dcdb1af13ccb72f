package errgroupkatas.errgroup;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kata 03, part B: the friends handler as one {@link ErrGroup} of a producer, {@code mappers}
 * mappers and a reducer, which succeed or fail together.
 *
 * <p>The producer reads the user's friend ids from the friend service's cursor and hands each one
 * on; each of the {@code mappers} mappers takes ids and looks their profiles up; the reducer
 * collects the profiles. All of them are tasks of one group: the first failure interrupts the
 * others, so the call fails fast, and nothing keeps running after it returns.
 *
 * <p>One handler serves any number of calls, one after another or at once (it is a server's
 * handler): each call has its own group, its own queues and its own result.
 *
 * <pre>{@code
 * var handler = new FriendsHandler(friendService, profileService, 10);
 * List<User> friends = handler.friendsOf(42);
 * }</pre>
 */
public final class FriendsHandler {
    private static final OptionalLong NO_MORE_IDS = OptionalLong.empty();
    private static final Optional<User> NO_MORE_USERS = Optional.empty();

    private final FriendService friends;
    private final ProfileService profiles;
    private final int mappers;

    /**
     * @param mappers how many profile lookups run at once, at least 1
     * @throws IllegalArgumentException {@code mappers} is less than 1
     */
    public FriendsHandler(FriendService friends, ProfileService profiles, int mappers) {
        if (mappers < 1) {
            throw new IllegalArgumentException("mappers must be at least 1: " + mappers);
        }
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.mappers = mappers;
    }

    /**
     * Returns the profiles of {@code userId}'s friends, each once, in no particular order (the
     * order the lookups finish); an empty list if the user has none. Up to {@code mappers} lookups
     * run at once, while the ids are still arriving.
     *
     * <p>Failure: the first failure cancels the rest at once (every call in flight is interrupted,
     * no call starts after it) and is reported when every thread the call started has ended.
     * <ul>
     *   <li>a profile lookup that fails: throws {@link FriendsException} whose message contains
     *       {@code "friend <id>"} (the friend whose lookup failed) and whose cause is the very
     *       exception the profile service threw;</li>
     *   <li>the friend ids cannot be read (opening the cursor or any {@code next()} fails): throws
     *       {@link FriendsException} whose message contains {@code "user <userId>"} and whose cause
     *       is the very exception the friend service threw;</li>
     *   <li>a service that throws an unchecked exception (a {@link RuntimeException} or an
     *       {@link Error}: a bug, Go's panic): it is a failure like the others (it cancels the rest
     *       at once), and this method throws that very exception, as it is, not wrapped.</li>
     * </ul>
     *
     * <p>Interruption: if the calling thread is interrupted, every call in flight is interrupted,
     * no further call is made, and once every thread has ended this throws
     * {@link InterruptedException}. It never sets the caller's interrupt status: when it throws
     * {@code InterruptedException}, the status is clear.
     */
    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        ErrGroup group = new ErrGroup();
        BlockingQueue<OptionalLong> ids = new SynchronousQueue<>();
        BlockingQueue<Optional<User>> users = new SynchronousQueue<>();
        List<User> result = new ArrayList<>();

        // Produce: the friend ids, then one end mark per mapper (Go's close(ch)).
        group.go(() -> {
            FriendIdCursor cursor;
            OptionalLong id;
            try {
                cursor = friends.friendIds(userId);
                while ((id = cursor.next()).isPresent()) {
                    ids.put(id);
                }
            } catch (ServiceException e) {
                throw new FriendsException("cannot read the friend ids of user " + userId, e);
            }
            for (int i = 0; i < mappers; i++) {
                ids.put(NO_MORE_IDS);
            }
        });

        // Map: look profiles up; the last mapper to finish closes the users' stream.
        AtomicInteger running = new AtomicInteger(mappers);
        for (int m = 0; m < mappers; m++) {
            group.go(() -> {
                for (OptionalLong id = ids.take(); id.isPresent(); id = ids.take()) {
                    long friend = id.getAsLong();
                    try {
                        users.put(Optional.of(profiles.profile(friend)));
                    } catch (ServiceException e) {
                        throw new FriendsException("cannot look up the profile of friend " + friend, e);
                    }
                }
                if (running.decrementAndGet() == 0) {
                    users.put(NO_MORE_USERS);
                }
            });
        }

        // Reduce: collect the profiles until the stream is closed.
        group.go(() -> {
            for (Optional<User> user = users.take(); user.isPresent(); user = users.take()) {
                result.add(user.get());
            }
        });

        try {
            group.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // MISTAKE: "restore the interrupt", and throw it as well
            throw e;
        } catch (ExecutionException e) {
            // The first failure, the very object a task threw: a FriendsException for a service's
            // failure, or an unchecked exception of a service (a bug, Go's panic), thrown as it is.
            Throwable cause = e.getCause();
            if (cause instanceof FriendsException f) {
                throw f;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            // Not reached: the tasks throw no other checked exception than InterruptedException, and
            // the group never reports those of its own cancellation (only the group interrupts them).
            throw new FriendsException("listing the friends of user " + userId + " failed", cause);
        }
        return result; // the reducer's thread has ended: await() joined it
    }
}
