package errgroupkatas.support;

import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted {@link ProfileService}: {@code profile(id)} answers {@link #userFor(long)} after
 * playing the {@link Reply} the test chose for that id (or the default reply), and records the
 * call as {@code profile(id)} in the {@link CallLog}.
 *
 * <pre>{@code
 * var profiles = new FakeProfileService(log).byDefault(Reply.after(Story.LOOKUP_LATENCY));
 * profiles.on(3, Reply.when(gate).failing());
 * }</pre>
 */
public final class FakeProfileService implements ProfileService {
    private final CallLog log;
    private final Map<Long, Reply> replies = new ConcurrentHashMap<>();
    private volatile Reply defaultReply = Reply.immediately();

    public FakeProfileService(CallLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The user every lookup of {@code id} answers: {@code User(id, "user-<id>")}. */
    public static User userFor(long id) {
        return new User(id, "user-" + id);
    }

    /** The users that looking up {@code ids} answers, in the same order. */
    public static List<User> usersFor(Collection<Long> ids) {
        return ids.stream().map(FakeProfileService::userFor).toList();
    }

    /** Every id without its own reply plays {@code reply}. */
    public FakeProfileService byDefault(Reply reply) {
        this.defaultReply = Objects.requireNonNull(reply, "reply");
        return this;
    }

    /** Lookups of {@code id} play {@code reply}. */
    public FakeProfileService on(long id, Reply reply) {
        replies.put(id, Objects.requireNonNull(reply, "reply"));
        return this;
    }

    @Override
    public User profile(long userId) throws ServiceException, InterruptedException {
        log.play("profile(" + userId + ")", replies.getOrDefault(userId, defaultReply));
        return userFor(userId);
    }
}
