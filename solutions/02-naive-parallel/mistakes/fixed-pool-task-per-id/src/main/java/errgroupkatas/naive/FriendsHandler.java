package errgroupkatas.naive;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/** Kata 02: the friends handler, its lookups on a pool of mappers. */
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
        List<Thread> poolThreads = Collections.synchronizedList(new ArrayList<>());
        ThreadFactory factory = task -> {
            Thread thread = Thread.ofVirtual().name("mapper").unstarted(task);
            poolThreads.add(thread);
            return thread;
        };
        ExecutorService pool = Executors.newFixedThreadPool(mappers, factory);
        List<Long> friendIds = new ArrayList<>();
        List<Future<User>> lookups = new ArrayList<>();
        FriendsException failure = null;
        List<User> found = new ArrayList<>();
        try {
            while (true) {
                OptionalLong id;
                try {
                    id = cursor.next();
                } catch (ServiceException | RuntimeException e) {
                    failure = new FriendsException("cannot read the friend ids of user " + userId, e);
                    break;
                }
                if (id.isEmpty()) {
                    break;
                }
                long friendId = id.getAsLong();
                friendIds.add(friendId);
                lookups.add(pool.submit(() -> profiles.profile(friendId)));
            }
            pool.shutdown();
            for (int i = 0; i < lookups.size(); i++) {
                try {
                    found.add(lookups.get(i).get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new FriendsException("cannot look up the profile of friend " + friendIds.get(i), e.getCause());
                    }
                }
            }
            for (Thread thread : snapshot(poolThreads)) {
                thread.join();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            for (Thread thread : snapshot(poolThreads)) {
                while (thread.isAlive()) {
                    try {
                        thread.join();
                    } catch (InterruptedException again) {
                        thread.interrupt();
                    }
                }
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
        return found;
    }

    private static List<Thread> snapshot(List<Thread> threads) {
        synchronized (threads) {
            return new ArrayList<>(threads);
        }
    }
}
