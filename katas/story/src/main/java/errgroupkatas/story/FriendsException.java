package errgroupkatas.story;

/**
 * Listing a user's friends failed. The message names what failed (the friend whose profile lookup
 * failed, or the user whose friend ids could not be read) and the cause is the original failure,
 * the very exception object the service threw, so a caller can inspect it.
 */
public class FriendsException extends Exception {
    private static final long serialVersionUID = 1L;

    public FriendsException(String message, Throwable cause) {
        super(message, cause);
    }
}
