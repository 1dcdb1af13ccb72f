package errgroupkatas.story;

import java.util.OptionalLong;

/**
 * A cursor over one user's friend ids, as the friend service streams them: each {@link #next()}
 * may block until the next id arrives (about 10 ms apart in the story).
 *
 * <p>A cursor is used by one thread at a time; it is not thread-safe.
 */
public interface FriendIdCursor {

    /**
     * Blocks until the next friend id is available and returns it, or returns empty once every id
     * was returned.
     *
     * @throws ServiceException     the friend service failed; the cursor is then finished
     * @throws InterruptedException the calling thread was interrupted while waiting (the call is
     *                              cancelled, its interrupt status cleared as usual)
     */
    OptionalLong next() throws ServiceException, InterruptedException;
}
