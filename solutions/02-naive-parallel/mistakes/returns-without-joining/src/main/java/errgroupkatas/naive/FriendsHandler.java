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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Kata 02: the friends handler as a pipeline. */
public final class FriendsHandler {
    private static final OptionalLong END_OF_IDS = OptionalLong.empty();
    private static final Optional<User> END_OF_USERS = Optional.empty();

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
        AtomicInteger running = new AtomicInteger(mappers);
        AtomicReference<FriendsException> failure = new AtomicReference<>();

        List<Thread> threads = new ArrayList<>();
        List<User> found = new ArrayList<>();
        try {
            threads.add(Thread.ofVirtual().name("producer").start(() -> produce(userId, cursor, ids, failure)));
            for (int i = 0; i < mappers; i++) {
                threads.add(Thread.ofVirtual().name("mapper-" + i).start(() -> map(ids, users, running, failure)));
            }
            while (true) {
                Optional<User> user = users.take();
                if (user.isEmpty()) {
                    break;
                }
                found.add(user.get());
            }
            // the end marker comes from the last mapper: everything is done
        } catch (InterruptedException e) {
            for (Thread thread : threads) {
                thread.interrupt();
            }
            throw e;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return found;
    }

    private void produce(long userId, FriendIdCursor cursor, BlockingQueue<OptionalLong> ids,
            AtomicReference<FriendsException> failure) {
        try {
            try {
                while (true) {
                    OptionalLong id = cursor.next();
                    if (id.isEmpty()) {
                        break;
                    }
                    ids.put(id);
                }
            } catch (ServiceException | RuntimeException e) {
                failure.compareAndSet(null, new FriendsException("cannot read the friend ids of user " + userId, e));
            }
            for (int i = 0; i < mappers; i++) {
                ids.put(END_OF_IDS);
            }
        } catch (InterruptedException e) {
            // stopped by the handler
        }
    }

    private void map(BlockingQueue<OptionalLong> ids, BlockingQueue<Optional<User>> users, AtomicInteger running,
            AtomicReference<FriendsException> failure) {
        try {
            while (true) {
                OptionalLong id = ids.take();
                if (id.isEmpty()) {
                    break;
                }
                long friendId = id.getAsLong();
                try {
                    users.put(Optional.of(profiles.profile(friendId)));
                } catch (ServiceException | RuntimeException e) {
                    failure.compareAndSet(null, new FriendsException("cannot look up the profile of friend " + friendId, e));
                }
            }
        } catch (InterruptedException e) {
            // stopped by the handler
        } finally {
            if (running.decrementAndGet() == 0) {
                users.add(END_OF_USERS); // last one out closes shop
            }
        }
    }
}
