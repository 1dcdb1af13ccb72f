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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/** Kata 02: the friends handler, its lookups in parallel. */
public final class FriendsHandler {
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
        Semaphore slots = new Semaphore(mappers);
        Queue<User> users = new ConcurrentLinkedQueue<>();
        AtomicReference<FriendsException> failure = new AtomicReference<>();
        List<Thread> lookups = new ArrayList<>();
        try {
            while (true) {
                OptionalLong id;
                try {
                    id = cursor.next();
                } catch (ServiceException | RuntimeException e) {
                    failure.compareAndSet(null, new FriendsException("cannot read the friend ids of user " + userId, e));
                    break;
                }
                if (id.isEmpty()) {
                    break;
                }
                long friendId = id.getAsLong();
                slots.acquire(); // at most `mappers` lookups at once
                lookups.add(Thread.ofVirtual().name("lookup-" + friendId).start(() -> {
                    try {
                        users.add(profiles.profile(friendId));
                    } catch (ServiceException | RuntimeException e) {
                        failure.compareAndSet(null, new FriendsException("cannot look up the profile of friend " + friendId, e));
                    } catch (InterruptedException e) {
                        // stopped by the handler
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Thread lookup : lookups) {
                lookup.join();
            }
        } catch (InterruptedException e) {
            for (Thread lookup : lookups) {
                lookup.interrupt();
            }
            for (Thread lookup : lookups) {
                while (lookup.isAlive()) {
                    try {
                        lookup.join();
                    } catch (InterruptedException again) {
                        lookup.interrupt();
                    }
                }
            }
            throw e;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new ArrayList<>(users);
    }
}
