package errgroupkatas.support;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.ServiceException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

/**
 * A scripted {@link FriendService}. {@code friendIds(user)} is recorded as {@code friendIds(user)};
 * each {@code next()} on the cursor it opens is recorded as {@code next#i} (i from 0; the call that
 * finds the end is {@code next#<count>}) and plays the reply chosen for position i, or the
 * default reply for {@code next()}.
 *
 * <pre>{@code
 * var friends = new FakeFriendService(log).with(USER, List.of(2L, 3L, 4L))
 *         .eachNext(Reply.after(Story.ID_INTERVAL))
 *         .onNext(3, Reply.when(lastIdGate));        // hold the end of the stream back
 * }</pre>
 */
public final class FakeFriendService implements FriendService {
    private final CallLog log;
    private final Map<Long, List<Long>> friends = new ConcurrentHashMap<>();
    private final Map<Integer, Reply> nextReplies = new ConcurrentHashMap<>();
    private volatile Reply openReply = Reply.immediately();
    private volatile Reply defaultNextReply = Reply.immediately();

    public FakeFriendService(CallLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The ids {@code count} friends get: 1001, 1002, … (distinct from any test user id). */
    public static List<Long> friendIds(int count) {
        return LongStream.rangeClosed(1001, 1000L + count).boxed().toList();
    }

    /** {@code userId}'s friends are {@code ids}, streamed in this order. */
    public FakeFriendService with(long userId, List<Long> ids) {
        friends.put(userId, List.copyOf(ids));
        return this;
    }

    /** Opening a cursor plays {@code reply} (e.g. {@code Reply.immediately().failing()}). */
    public FakeFriendService onOpen(Reply reply) {
        this.openReply = Objects.requireNonNull(reply, "reply");
        return this;
    }

    /** Every {@code next()} without its own reply plays {@code reply}. */
    public FakeFriendService eachNext(Reply reply) {
        this.defaultNextReply = Objects.requireNonNull(reply, "reply");
        return this;
    }

    /** The {@code position}-th {@code next()} of a cursor (from 0) plays {@code reply}. */
    public FakeFriendService onNext(int position, Reply reply) {
        nextReplies.put(position, Objects.requireNonNull(reply, "reply"));
        return this;
    }

    @Override
    public FriendIdCursor friendIds(long userId) throws ServiceException, InterruptedException {
        log.play("friendIds(" + userId + ")", openReply);
        List<Long> ids = friends.getOrDefault(userId, List.of());
        return new FriendIdCursor() {
            private int position;

            @Override
            public OptionalLong next() throws ServiceException, InterruptedException {
                int at = position;
                log.play("next#" + at, nextReplies.getOrDefault(at, defaultNextReply));
                if (at >= ids.size()) {
                    return OptionalLong.empty();
                }
                position++;
                return OptionalLong.of(ids.get(at));
            }
        };
    }
}
