package errgroupkatas.serial;

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

/**
 * Kata 01: the friends handler, done one call at a time.
 *
 * <p>It lists a user's friends: it opens the friend service's cursor over the user's friend ids
 * and, for each id as it arrives, looks the friend's profile up in the profile service. Every call
 * is made on the caller's thread, one after another; this handler starts no thread.
 *
 * <p>A handler keeps nothing between calls: it may be called again, and by several threads at
 * once; each call returns only its own user's friends.
 *
 * <pre>{@code
 * var handler = new FriendsHandler(friendService, profileService);
 * List<User> friends = handler.friendsOf(42);
 * }</pre>
 */
public final class FriendsHandler {
    private final FriendService friends;
    private final ProfileService profiles;

    public FriendsHandler(FriendService friends, ProfileService profiles) {
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
    }

    /**
     * Returns the profiles of {@code userId}'s friends, one per id, in the order the friend service
     * streams their ids; an empty list if the user has none. Calls are made one at a time on the
     * calling thread, each id looked up as it arrives, before the next one is read.
     *
     * <p>Failure: the first failure ends the work at once; no call is made after it.
     * <ul>
     *   <li>a profile lookup that fails: throws {@link FriendsException} whose message contains
     *       {@code "friend <id>"} (the friend whose lookup failed) and whose cause is the very
     *       exception the profile service threw;</li>
     *   <li>the friend ids cannot be read (opening the cursor or any {@code next()} fails): throws
     *       {@link FriendsException} whose message contains {@code "user <userId>"} and whose cause
     *       is the very exception the friend service threw.</li>
     *   <li>a service call that throws an unchecked exception or an {@link Error}: it reaches the
     *       caller, thrown as it is or as the cause of a {@link FriendsException}.</li>
     * </ul>
     *
     * <p>Interruption: if the calling thread is interrupted, the call in progress throws
     * {@link InterruptedException}; let it propagate as it is (do not wrap it, do not catch it and
     * carry on), and make no further call. The blocking call that threw it cleared the thread's
     * interrupt status: leave it clear, whatever the outcome.
     */
    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        FriendIdCursor cursor;
        try {
            cursor = friends.friendIds(userId);
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        List<User> result = new ArrayList<>();
        while (true) {
            OptionalLong id;
            try {
                id = cursor.next();
            } catch (ServiceException e) {
                throw new FriendsException("cannot read the friend ids of user " + userId, e);
            }
            if (id.isEmpty()) {
                return result;
            }
            try {
                result.add(profiles.profile(id.getAsLong()));
            } catch (ServiceException e) {
                throw new FriendsException("cannot look up the profile of friend " + id.getAsLong(), e);
            }
        }
    }
}
