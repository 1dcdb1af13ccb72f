package errgroupkatas.serial;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        List<User> result = new ArrayList<>();
        try {
            FriendIdCursor cursor = friends.friendIds(userId);
            while (cursor.next().isPresent()) {
                long friendId = cursor.next().getAsLong();
                try {
                    result.add(profiles.profile(friendId));
                } catch (ServiceException e) {
                    throw new FriendsException("cannot look up friend " + friendId, e);
                }
            }
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        return result;
    }
}
