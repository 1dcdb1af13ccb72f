package errgroupkatas.story;

/** The profile service: one user's profile, about 100 ms per lookup in the story. */
public interface ProfileService {

    /**
     * Looks the profile of {@code userId} up, blocking until it arrives.
     *
     * @throws ServiceException     the profile service failed for this id
     * @throws InterruptedException the calling thread was interrupted while waiting
     */
    User profile(long userId) throws ServiceException, InterruptedException;
}
