package errgroupkatas.errgroup;

import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import java.util.List;
import java.util.Objects;

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
 * <p>Build it on your own {@link ErrGroup} (part A of this kata): make it pass
 * {@code ErrGroupTest} first.
 *
 * <pre>{@code
 * var handler = new FriendsHandler(friendService, profileService, 10);
 * List<User> friends = handler.friendsOf(42);
 * }</pre>
 */
public final class FriendsHandler {
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
        throw new UnsupportedOperationException(
                "TODO kata 03-errgroup: implement FriendsHandler.friendsOf (see katas/03-errgroup/README.md)");
    }
}
