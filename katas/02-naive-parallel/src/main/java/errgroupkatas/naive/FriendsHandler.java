package errgroupkatas.naive;

import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import java.util.List;
import java.util.Objects;

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
        throw new UnsupportedOperationException(
                "TODO kata 02-naive-parallel: implement FriendsHandler.friendsOf (see katas/02-naive-parallel/README.md)");
    }
}
