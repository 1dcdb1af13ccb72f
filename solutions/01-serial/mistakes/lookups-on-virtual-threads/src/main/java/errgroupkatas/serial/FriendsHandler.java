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

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
        List<Long> ids = new ArrayList<>();
        List<Future<User>> lookups = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
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
                long friendId = id.getAsLong();
                ids.add(friendId);
                lookups.add(executor.submit(() -> profiles.profile(friendId)));
            }
            List<User> result = new ArrayList<>();
            for (int i = 0; i < lookups.size(); i++) {
                try {
                    result.add(lookups.get(i).get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof ServiceException se) {
                        throw new FriendsException("cannot look up friend " + ids.get(i), se);
                    }
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return result;
        }
    }
}
