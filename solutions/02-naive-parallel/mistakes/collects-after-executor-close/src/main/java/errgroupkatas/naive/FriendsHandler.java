package errgroupkatas.naive;

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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/** Kata 02: the friends handler as a pipeline. */
public final class FriendsHandler {
    private static final OptionalLong NO_MORE_IDS = OptionalLong.empty();

    private final FriendService friends;
    private final ProfileService profiles;
    private final int mappers;

    public FriendsHandler(FriendService friends, ProfileService profiles, int mappers) {
        this.friends = Objects.requireNonNull(friends, "friends");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        if (mappers < 1) {
            throw new IllegalArgumentException("mappers must be at least 1, was " + mappers);
        }
        this.mappers = mappers;
    }

    public List<User> friendsOf(long userId) throws FriendsException, InterruptedException {
        FriendIdCursor cursor;
        try {
            cursor = friends.friendIds(userId);
        } catch (ServiceException e) {
            throw new FriendsException("cannot read the friend ids of user " + userId, e);
        }
        BlockingQueue<OptionalLong> ids = new ArrayBlockingQueue<>(mappers);
        BlockingQueue<User> users = new LinkedBlockingQueue<>();
        AtomicReference<FriendsException> failure = new AtomicReference<>();

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            executor.submit(() -> produce(userId, cursor, ids, failure));
            for (int i = 0; i < mappers; i++) {
                executor.submit(() -> map(ids, users, failure));
            }
        } // waits for the producer and every mapper to finish

        if (failure.get() != null) {
            throw failure.get();
        }
        List<User> found = new ArrayList<>(users.size());
        users.drainTo(found);
        return found;
    }

    private void produce(long userId, FriendIdCursor cursor, BlockingQueue<OptionalLong> ids,
            AtomicReference<FriendsException> failure) {
        try {
            try {
                OptionalLong id;
                while ((id = cursor.next()).isPresent()) {
                    ids.put(id);
                }
            } catch (ServiceException | RuntimeException e) {
                failure.compareAndSet(null, new FriendsException("cannot read the friend ids of user " + userId, e));
            }
            for (int i = 0; i < mappers; i++) {
                ids.put(NO_MORE_IDS);
            }
        } catch (InterruptedException e) {
            // the executor is shutting down
        }
    }

    private void map(BlockingQueue<OptionalLong> ids, BlockingQueue<User> users,
            AtomicReference<FriendsException> failure) {
        try {
            while (true) {
                OptionalLong id = ids.take();
                if (id.isEmpty()) {
                    return;
                }
                long friendId = id.getAsLong();
                try {
                    users.add(profiles.profile(friendId));
                } catch (ServiceException | RuntimeException e) {
                    failure.compareAndSet(null, new FriendsException("cannot look up the profile of friend " + friendId, e));
                }
            }
        } catch (InterruptedException e) {
            // the executor is shutting down
        }
    }
}
