package errgroupkatas.errgroup;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Kata 03, part B: the friends handler as one ErrGroup of a producer, mappers and a reducer. */
public final class FriendsHandler {
    private final FriendService friends;
    private final ProfileService profiles;
    private final int mappers;

    public FriendsHandler(FriendService friends, ProfileService profiles, int mappers) {
        if (mappers < 1) {
            throw new IllegalArgumentException("mappers must be at least 1: " + mappers);
        }
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.mappers = mappers;
    }

    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        ErrGroup group = new ErrGroup();
        BlockingQueue<OptionalLong> ids = new ArrayBlockingQueue<>(mappers);
        BlockingQueue<Optional<User>> found = new ArrayBlockingQueue<>(mappers);
        List<User> result = new ArrayList<>();
        AtomicInteger liveMappers = new AtomicInteger(mappers);
        AtomicReference<FriendsException> firstFailure = new AtomicReference<>();

        group.go(() -> { // producer
            try {
                FriendIdCursor cursor = friends.friendIds(userId);
                OptionalLong id = cursor.next();
                while (id.isPresent()) {
                    ids.put(id);
                    id = cursor.next();
                }
            } catch (ServiceException e) {
                throw new FriendsException("cannot read the friends of user " + userId, e);
            }
            for (int i = 0; i < mappers; i++) {
                ids.put(OptionalLong.empty()); // one "closed" per mapper
            }
        });

        for (int i = 0; i < mappers; i++) { // mappers
            group.go(() -> {
                while (true) {
                    OptionalLong next = ids.take();
                    if (next.isEmpty()) {
                        break;
                    }
                    long friendId = next.getAsLong();
                    User user;
                    try {
                        user = profiles.profile(friendId);
                    } catch (ServiceException e) {
                        // keep the first failure, finish the others, report it at the end
                        firstFailure.compareAndSet(null, new FriendsException("cannot look up friend " + friendId, e));
                        continue;
                    }
                    found.put(Optional.of(user));
                }
                if (liveMappers.decrementAndGet() == 0) {
                    found.put(Optional.empty());
                }
            });
        }

        group.go(() -> { // reducer
            while (true) {
                Optional<User> user = found.take();
                if (user.isEmpty()) {
                    break;
                }
                result.add(user.get());
            }
        });

        try {
            group.await();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof FriendsException fe) {
                throw fe;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new FriendsException("listing the friends of user " + userId + " failed", cause);
        }
        if (firstFailure.get() != null) {
            throw firstFailure.get();
        }
        return result;
    }
}
