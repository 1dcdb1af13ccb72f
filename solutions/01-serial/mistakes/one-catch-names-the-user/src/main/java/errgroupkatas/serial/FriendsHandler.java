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
        try {
            FriendIdCursor cursor = friends.friendIds(userId);
            List<User> result = new ArrayList<>();
            for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                result.add(profiles.profile(id.getAsLong()));
            }
            return result;
        } catch (ServiceException e) {
            throw new FriendsException("cannot list the friends of user " + userId, e);
        }
    }
}
