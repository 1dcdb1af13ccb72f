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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Kata 02: the friends handler as a pipeline. */
public final class FriendsHandler {
    private static final OptionalLong NO_MORE_IDS = OptionalLong.empty();
    private static final Optional<User> NO_MORE_USERS = Optional.empty();

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
        BlockingQueue<Optional<User>> users = new LinkedBlockingQueue<>();
        AtomicInteger mappersLeft = new AtomicInteger(mappers);
        AtomicReference<FriendsException> failure = new AtomicReference<>();
        List<User> found = new ArrayList<>();

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            executor.submit(() -> {
                try {
                    try {
                        for (OptionalLong id = cursor.next(); id.isPresent(); id = cursor.next()) {
                            ids.put(id);
                        }
                    } catch (ServiceException | RuntimeException e) {
                        failure.compareAndSet(null, new FriendsException("cannot read the friend ids of user " + userId, e));
                    }
                    for (int i = 0; i < mappers; i++) {
                        ids.put(NO_MORE_IDS);
                    }
                } catch (InterruptedException e) {
                    // cancelled
                }
            });
            for (int i = 0; i < mappers; i++) {
                executor.submit(() -> {
                    try {
                        for (OptionalLong id = ids.take(); id.isPresent(); id = ids.take()) {
                            long friendId = id.getAsLong();
                            try {
                                users.add(Optional.of(profiles.profile(friendId)));
                            } catch (ServiceException | RuntimeException e) {
                                failure.compareAndSet(null, new FriendsException("cannot look up the profile of friend " + friendId, e));
                            }
                        }
                    } catch (InterruptedException e) {
                        // cancelled
                    } finally {
                        if (mappersLeft.decrementAndGet() == 0) {
                            users.add(NO_MORE_USERS);
                        }
                    }
                });
            }
            try {
                for (Optional<User> user = users.take(); user.isPresent(); user = users.take()) {
                    found.add(user.get());
                }
            } catch (InterruptedException e) {
                executor.shutdownNow(); // interrupt every task; close() waits for them
                throw e;
            }
        } // close(): waits until every task is done
        if (failure.get() != null) {
            throw failure.get();
        }
        return found;
    }
}
