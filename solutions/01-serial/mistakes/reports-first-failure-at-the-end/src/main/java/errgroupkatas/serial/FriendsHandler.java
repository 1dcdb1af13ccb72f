package errgroupkatas.serial;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;


/** Kata 01: the friends handler, done one call at a time. */
public final class FriendsHandler {
    private final FriendService friends;
    private final ProfileService profiles;

    public FriendsHandler(FriendService friends, ProfileService profiles) {
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
    }

    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        FriendIdCursor cursor;
        try {
            cursor = friends.friendIds(userId);
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        List<User> result = new ArrayList<>();
        FriendsException firstFailure = null;
        while (true) {
            OptionalLong id;
            try {
                id = cursor.next();
            } catch (ServiceException e) {
                throw new FriendsException("cannot read the friend ids of user " + userId, e);
            }
            if (id.isEmpty()) {
                break;
            }
            try {
                result.add(profiles.profile(id.getAsLong()));
            } catch (ServiceException e) {
                if (firstFailure == null) {
                    firstFailure = new FriendsException("cannot look up friend " + id.getAsLong(), e);
                }
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        return result;
    }
}
