package errgroupkatas.story;

import java.util.Objects;

/**
 * A user of the social service: the result of a profile lookup.
 *
 * @param id   the user's id
 * @param name the user's display name, never null
 */
public record User(long id, String name) {
    public User {
        Objects.requireNonNull(name, "name");
    }
}
