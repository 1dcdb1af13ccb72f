package errgroupkatas.story;

/**
 * A remote service answered with an error: the Java twin of the {@code err} a Go service call
 * returns. Checked, so a kata cannot ignore it by accident.
 */
public class ServiceException extends Exception {
    private static final long serialVersionUID = 1L;

    public ServiceException(String message) {
        super(message);
    }

    public ServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
