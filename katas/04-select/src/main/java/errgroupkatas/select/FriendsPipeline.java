package errgroupkatas.select;

import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
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
 * <p>Build it on your own {@link Channel} (part A). It is the Java twin of the Go handler in which
 * every send is a {@code select} on the send and on {@code ctx.Done()}: here every blocking call is
 * interruptible, and cancelling a stage means interrupting its thread.
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
        throw new UnsupportedOperationException(
                "TODO kata 04-select: implement FriendsPipeline (see katas/04-select/README.md)");
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
        throw new UnsupportedOperationException(
                "TODO kata 04-select: implement FriendsPipeline.firstFriends (see katas/04-select/README.md)");
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
        throw new UnsupportedOperationException(
                "TODO kata 04-select: implement FriendsPipeline.forEachFriend (see katas/04-select/README.md)");
    }
}
