package errgroupkatas.support;

import errgroupkatas.story.OrderService;
import errgroupkatas.story.ServiceException;
import java.util.Objects;

/**
 * A scripted {@link OrderService}: {@code latestOrder(user)} answers {@link #orderFor(long)} after
 * playing its {@link Reply}, recorded as {@code latestOrder(user)}.
 */
public final class FakeOrderService implements OrderService {
    private final CallLog log;
    private volatile Reply reply = Reply.immediately();

    public FakeOrderService(CallLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The order id every lookup for {@code userId} answers: {@code userId * 10 + 5}. */
    public static long orderFor(long userId) {
        return userId * 10 + 5;
    }

    /** Every lookup plays {@code reply}. */
    public FakeOrderService replying(Reply reply) {
        this.reply = Objects.requireNonNull(reply, "reply");
        return this;
    }

    @Override
    public long latestOrder(long userId) throws ServiceException, InterruptedException {
        log.play("latestOrder(" + userId + ")", reply);
        return orderFor(userId);
    }
}
