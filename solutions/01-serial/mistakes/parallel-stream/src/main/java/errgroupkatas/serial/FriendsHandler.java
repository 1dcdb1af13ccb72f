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

/** MISTAKE: "serial is slow, let's just add parallelStream()". */
public final class FriendsHandler {
    private final FriendService friends;
    private final ProfileService profiles;

    public FriendsHandler(FriendService friends, ProfileService profiles) {
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
    }

    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        List<Long> ids = new ArrayList<>();
        try {
            FriendIdCursor cursor = friends.friendIds(userId);
            for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                ids.add(id.getAsLong());
            }
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        try {
            return ids.parallelStream().map(id -> {
                try {
                    return profiles.profile(id);
                } catch (ServiceException | InterruptedException e) {
                    throw new RuntimeException(new FriendsException("cannot look up the profile of friend " + id, e));
                }
            }).toList();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof FriendsException f) {
                throw f;
            }
            throw e;
        }
    }
}
