package errgroupkatas.story;

/** The dashboard's order service: a user's most recent order. */
public interface OrderService {

    /**
     * Looks up the id of the most recent order of {@code userId}, blocking until it arrives.
     *
     * @throws ServiceException     the order service failed for this user
     * @throws InterruptedException the calling thread was interrupted while waiting
     */
    long latestOrder(long userId) throws ServiceException, InterruptedException;
}
