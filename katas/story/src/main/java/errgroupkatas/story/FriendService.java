package errgroupkatas.story;

/** The friend service: who are a user's friends. */
public interface FriendService {

    /**
     * Opens a cursor over the friend ids of {@code userId}.
     *
     * @throws ServiceException     the friend service failed
     * @throws InterruptedException the calling thread was interrupted while waiting
     */
    FriendIdCursor friendIds(long userId) throws ServiceException, InterruptedException;
}
