package errgroupkatas.naive;

import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static errgroupkatas.support.Story.ID_INTERVAL;
import static errgroupkatas.support.Story.LOOKUP_LATENCY;
import static errgroupkatas.support.Story.MAPPERS;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.Checks;
import errgroupkatas.support.FakeFriendService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.LeakDetector;
import errgroupkatas.support.LingeringProfileService;
import errgroupkatas.support.Reply;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kata 02's rules, easiest first. Read them top to bottom; make them green one by one. */
@DisplayName("Kata 02 — the naive parallel friends handler")
class FriendsHandlerTest {
    static final Kata KATA = new Kata("02-naive-parallel", "errgroupkatas.naive");
    /** Generous: a correct handler needs a few milliseconds wherever this bounds a wait. */
    static final Duration DEADLINE = Duration.ofSeconds(2);
    /**
     * How long a test watches for something a correct handler can never do while a gate is
     * closed (start a fifth lookup with four mappers, return while a lookup is held). A correct
     * handler passes however slow the machine; a wrong one does it within microseconds.
     */
    static final Duration WATCH = Duration.ofMillis(200);
    /**
     * How long {@link #leavesNoThreadBehind} calls friendsOf again and again, looking for a thread
     * still alive at the moment it returns: the repetition net for a race no gate can reach.
     */
    static final Duration NET = Duration.ofMillis(500);

    private final List<Gate> gates = new CopyOnWriteArrayList<>();

    /**
     * Opens every gate after the leak check (extensions registered first run their after-each
     * last): threads a wrong handler left stuck on a gate are reported, then let go.
     */
    @RegisterExtension
    @Order(1)
    final AfterEachCallback openGatesLast = context -> gates.forEach(Gate::open);

    @RegisterExtension
    @Order(2)
    final Kata.NoLeaks noLeaks = KATA.noLeaks(3);

    /** Every test also fails if friendsOf leaves its caller's interrupt status set, whatever the outcome. */
    @RegisterExtension
    @Order(3)
    final Kata.CallerStatus callerStatus = KATA.callerStatus(3);

    final CallLog log = new CallLog();
    final FakeFriendService friends = new FakeFriendService(log);
    final FakeProfileService profiles = new FakeProfileService(log);

    private Gate gate(String name) {
        Gate gate = Gate.closed(name);
        gates.add(gate);
        return gate;
    }

    /** Starts friendsOf(USER) with {@code mappers}; its failures cite {@code hint}, the one that helps with the test. */
    private KataCall<List<User>> friendsOfUser(int mappers, int hint) {
        FriendsHandler handler = new FriendsHandler(friends, profiles, mappers);
        return callerStatus.watch(KATA.withHint(hint).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));
    }

    /**
     * Waits until {@code count} profile lookups are in flight at once (the next#i reads of the
     * producer do not count). If they never are, fails as {@link KataCall#awaitInFlight} does (with
     * what the call did instead, and the timeline), then says how many there were at most, and
     * {@code lesson}.
     */
    private void awaitLookupsInFlight(KataCall<?> call, int count, String lesson) {
        try {
            call.awaitInFlight(log, "profile(", count, DEADLINE);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage().stripTrailing() + "\nAt most " + log.maxInFlight("profile(")
                    + " lookups were in flight at once. " + lesson, e.getCause());
        }
    }

    /** Every friend once: nothing lost, nothing twice, nothing else. */
    private void assertEveryFriendOnce(List<User> result, List<Long> ids) {
        Map<User, Integer> seen = new HashMap<>();
        result.forEach(u -> seen.merge(u, 1, Integer::sum));
        List<User> expected = FakeProfileService.usersFor(ids);
        List<User> missing = expected.stream().filter(u -> !seen.containsKey(u)).toList();
        List<User> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        Set<User> unexpected = new HashSet<>(seen.keySet());
        expected.forEach(unexpected::remove);
        if (!missing.isEmpty() || !twice.isEmpty() || !unexpected.isEmpty()) {
            throw new AssertionError(String.format(
                    "friendsOf returned %d profiles for %d friends: every friend's profile exactly once was expected."
                            + "%n  missing: %s%n  more than once: %s%n  not a friend: %s%n"
                            + "Lost results usually mean the results were declared finished before the last mapper"
                            + " was; duplicates, that an id was handed out twice.%n%s%s",
                    result.size(), ids.size(), first(missing), first(twice), first(List.copyOf(unexpected)),
                    log.timeline(), KATA.hint(2)));
        }
    }

    private static String first(List<User> users) {
        return users.size() <= 8 ? users.toString() : users.subList(0, 8) + " and " + (users.size() - 8) + " more";
    }

    @ParameterizedTest(name = "{0} friends")
    @ValueSource(ints = {0, 1, 6, 1000})
    @Order(1)
    @DisplayName("returns every friend's profile exactly once: nothing lost, nothing twice, the cursor read to its end and no further")
    @Checks({3, 9})
    void returnsEveryFriend(int count) {
        List<Long> ids = FakeFriendService.friendIds(count);
        friends.with(USER, ids);

        List<User> result = friendsOfUser(MAPPERS, 2).awaitWithin(DEADLINE).returned();

        assertEveryFriendOnce(result, ids);
        assertThat(log.calls("profile(")).as("lookups made for %d friends: one per friend%n%s", count, log.timeline())
                .hasSize(count);
        assertThat(log.calls("next#")).as("""
                next() calls on the cursor of %d friends: one per id and one that finds the end (it returns \
                empty) were expected. Stop reading when the cursor says there are no more ids: a producer that \
                calls next() again asks the friend service for ids that do not exist.
                %s%s""", count, log.timeline(), KATA.hint(2)).hasSize(count + 1);
    }

    @Test
    @Order(2)
    @DisplayName("streams: the first lookup starts while the friend ids are still arriving")
    @Checks(3)
    void streamsTheIds() {
        Gate laterIds = gate("the 4th friend id");
        List<Long> ids = FakeFriendService.friendIds(6);
        friends.with(USER, ids).onNext(3, Reply.when(laterIds));

        var call = friendsOfUser(MAPPERS, 1);
        try {
            boolean started = call.watchFor(() -> !log.calls("profile(").isEmpty(), DEADLINE);
            assertThat(started).as("""
                    Three friend ids had arrived and the cursor was held before the fourth (next#3 waits for a \
                    gate), but no profile lookup started%s: the handler waits for the whole id stream before \
                    it looks anyone up. Hand each id to the mappers as soon as it arrives; the ids take n·10 ms \
                    to arrive, and that time should overlap the lookups.
                    %s%s""", call.isDone() ? " before the call ended" : " within " + DEADLINE.toMillis() + " ms",
                    log.timeline(), KATA.hint(1)).isTrue();
        } finally {
            laterIds.open();
        }
        assertEveryFriendOnce(call.awaitWithin(DEADLINE).returned(), ids);
    }

    @Test
    @Order(3)
    @DisplayName("looks friends up in parallel: 6 friends, 10 mappers, all 6 lookups in flight at once")
    @Checks(1)
    void looksUpInParallel() {
        Gate lookups = gate("every profile lookup");
        List<Long> ids = FakeFriendService.friendIds(6);
        friends.with(USER, ids);
        profiles.byDefault(Reply.when(lookups));

        var call = friendsOfUser(MAPPERS, 1);
        try {
            awaitLookupsInFlight(call, 6, """
                    With 10 mappers and 6 friends, all 6 lookups should be in flight together (the test holds \
                    every lookup until then). Start the mappers before the first id arrives, each on its own \
                    thread, and keep the lookups off the calling thread.
                    """ + KATA.hint(1));
        } finally {
            lookups.open();
        }
        assertEveryFriendOnce(call.awaitWithin(DEADLINE).returned(), ids);
    }

    @Test
    @Order(4)
    @DisplayName("never runs more lookups at once than it has mappers: 20 friends, 4 mappers, 4 at a time")
    @Checks(1)
    void boundedByMappers() {
        int mappers = 4;
        Gate lookups = gate("every profile lookup");
        List<Long> ids = FakeFriendService.friendIds(20);
        friends.with(USER, ids);
        profiles.byDefault(Reply.when(lookups));

        var call = friendsOfUser(mappers, 1);
        try {
            awaitLookupsInFlight(call, mappers, """
                    With 4 mappers and 20 friends, 4 lookups should be in flight together (the test holds every \
                    lookup until then).
                    """ + KATA.hint(1));
            boolean more = call.watchFor(() -> log.calls("profile(").size() > mappers, WATCH);
            assertThat(more).as("""
                    With 4 mappers and every lookup held, a fifth lookup started: %d were in flight at once. \
                    Exactly 4 threads should look profiles up, each taking the next id when its lookup is done; \
                    a thread per id is unbounded (a user with 10 000 friends gets 10 000 lookups at once).
                    %s%s""", log.maxInFlight("profile("), log.timeline(), KATA.hint(1)).isFalse();
        } finally {
            lookups.open();
        }
        assertEveryFriendOnce(call.awaitWithin(DEADLINE).returned(), ids);
        assertThatCalls(log).as("with 4 mappers").withHint(KATA.hint(1))
                .reachedConcurrency("profile(", mappers).neverExceededConcurrency("profile(", mappers);
    }

    @Test
    @Order(5)
    @DisplayName("needs at least one mapper: new FriendsHandler(…, 0) throws IllegalArgumentException, and 1 mapper returns every friend")
    @Checks(2)
    void needsAtLeastOneMapper() {
        Throwable zero = catchThrowable(() -> new FriendsHandler(friends, profiles, 0));
        assertThat(zero).as("""
                new FriendsHandler(friends, profiles, 0) %s: with no mapper nobody would ever look a profile up. \
                The constructor must refuse it at once with IllegalArgumentException (see its javadoc), instead \
                of leaving friendsOf to hang or fail later.
                %s""", zero == null ? "returned a handler" : "threw " + zero, KATA.hint(1))
                .isInstanceOf(IllegalArgumentException.class);
        Throwable one = catchThrowable(() -> new FriendsHandler(friends, profiles, 1));
        assertThat(one).as("""
                new FriendsHandler(friends, profiles, 1) threw %s: one mapper is the smallest pipeline there is \
                ("at least 1"), and it must work like any other.
                %s""", one, KATA.hint(1)).isNull();

        List<Long> ids = FakeFriendService.friendIds(3);
        friends.with(USER, ids);
        assertEveryFriendOnce(friendsOfUser(1, 1).awaitWithin(DEADLINE).returned(), ids);
        assertThatCalls(log).as("with 1 mapper").withHint(KATA.hint(1))
                .reachedConcurrency("profile(", 1).neverExceededConcurrency("profile(", 1);
    }

    @Test
    @Order(6)
    @DisplayName("last one out closes shop: it returns only after the last mapper has finished")
    @Checks(5)
    void waitsForTheLastMapper() {
        Gate slow = gate("profile(1001)");
        List<Long> ids = FakeFriendService.friendIds(4);
        friends.with(USER, ids);
        profiles.on(1001, Reply.when(slow));

        var call = friendsOfUser(2, 2);
        try {
            call.awaitFakeCall(log, "profile(1001)", DEADLINE);
            // The other mapper looks 1002, 1003 and 1004 up and finishes while profile(1001) is held.
            call.watchFor(() -> log.calls("profile(").size() == ids.size() && log.inFlight("profile(").size() == 1,
                    DEADLINE);
            boolean returned = call.watchFor(call::isDone, WATCH);
            assertThat(returned).as("""
                    friendsOf returned while profile(1001) was still in flight: the results were declared finished \
                    when the first mapper finished, and 1001's profile was lost. Only the last mapper to finish \
                    may end the results: count the mappers down.
                    %s%s""", log.timeline(), KATA.hint(2)).isFalse();
        } finally {
            slow.open();
        }
        assertEveryFriendOnce(call.awaitWithin(DEADLINE).returned(), ids);
    }

    @Test
    @Order(7)
    @DisplayName("every thread it started has ended when it returns, even the mappers that got no id")
    @Checks(6)
    void leavesNoThreadBehind() {
        LeakDetector threadsSince = KATA.leakSnapshot();
        List<Long> ids = FakeFriendService.friendIds(1);
        friends.with(USER, ids);

        assertEveryFriendOnce(friendsOfUser(MAPPERS, 2).awaitWithin(DEADLINE).returned(), ids);

        // One friend, ten mappers: nine of them never get an id and must still be told to stop.
        threadsSince.assertNoLeaks(LeakDetector.DEFAULT_GRACE, KATA.hint(3));

        // Ended when it returns, not a moment later: the leak check above gives the threads a grace.
        String alive = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ") on one friend, again and"
                + " again for " + NET.toMillis() + " ms", () -> threadAliveAtReturn(NET))).awaitWithin(DEADLINE)
                .returned();
        assertThat(alive).as("""
                %s
                A task that is done is not a thread that has ended: an ExecutorService's close() (and \
                awaitTermination) returns once every task is done, a moment before the threads have ended. Keep \
                the threads you start and join each one (Thread.join) before friendsOf returns.
                %s""", alive, KATA.hint(3)).isNull();
    }

    /**
     * The repetition net of {@link #leavesNoThreadBehind}: calls friendsOf with one friend and one
     * mapper again and again for up to {@code window}, and the moment each call returns, looks at
     * the threads that called the fakes (the producer in {@code next()}, the mapper in {@code
     * profile(…)}): is any of them still alive? No gate can hold a thread between the end of its
     * task and the end of the thread, which is where a handler that waits for its tasks instead of
     * its threads returns. A correct handler is never caught: its threads have ended when it
     * returns. Catch rates measured on the 2-core machine under a load of 11 to 18: a handler that
     * stops its threads with {@code shutdownNow()} and returns (mistake {@code
     * interrupts-instead-of-waiting}) in 70 of 70 runs, always by its 61st call; one that trusts
     * {@code ExecutorService.close()} in 59 of 60 runs, by its 71st call (9 % of its calls on a
     * quiet machine, 2 % under two CPU-bound processes, where 18 of 20 runs caught it).
     *
     * @return what the first call that returned with a thread still alive left behind, or null
     */
    private static String threadAliveAtReturn(Duration window) throws Exception {
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        Thread self = Thread.currentThread();
        long start = System.nanoTime();
        for (int calls = 1; ; calls++) {
            CallLog runLog = new CallLog();
            var runFriends = new FakeFriendService(runLog).with(USER, FakeFriendService.friendIds(1));
            var runProfiles = new FakeProfileService(runLog);
            FriendService recordingFriends = user -> {
                callers.add(Thread.currentThread());
                FriendIdCursor cursor = runFriends.friendIds(user);
                return () -> {
                    callers.add(Thread.currentThread());
                    return cursor.next();
                };
            };
            ProfileService recordingProfiles = id -> {
                callers.add(Thread.currentThread());
                return runProfiles.profile(id);
            };
            callers.clear();
            new FriendsHandler(recordingFriends, recordingProfiles, 1).friendsOf(USER);
            List<String> alive = callers.stream().filter(t -> t != self && t.isAlive()).map(Thread::toString)
                    .toList();
            long elapsed = System.nanoTime() - start;
            if (!alive.isEmpty()) {
                return String.format("friendsOf(%d) with one friend and one mapper returned while a thread it had"
                        + " started was still alive: %s (call %d of this test's one-friend calls, after %d ms).%n%s",
                        USER, String.join(", ", alive), calls, elapsed / 1_000_000, runLog.timeline());
            }
            if (elapsed > window.toNanos()) {
                return null;
            }
        }
    }

    @Test
    @Order(8)
    @DisplayName("with the story's numbers (6 friends, ids 10 ms apart, lookups 100 ms) the lookups overlap: from the first to the last they take less than their sum, which a serial handler cannot")
    @Checks(1)
    void fasterThanSerial() {
        List<Long> ids = FakeFriendService.friendIds(6);
        friends.with(USER, ids).eachNext(Reply.after(ID_INTERVAL));
        profiles.byDefault(Reply.after(LOOKUP_LATENCY));

        Outcome<List<User>> outcome = friendsOfUser(MAPPERS, 1).awaitWithin(DEADLINE);

        assertEveryFriendOnce(outcome.returned(), ids);
        // A fact, not a speed: lookups that never overlap span at least the sum of their durations,
        // on any machine, so a serial handler fails every time. Overlapping ones span less: about
        // 5·10 + 100 ms against 6·100 for a correct handler, and still less than the sum as long as
        // the ids reach the mappers less than a lookup apart, however loaded the machine (the sleeps
        // of a loaded machine stretch the sum too).
        List<Call> lookups = log.calls("profile(");
        Duration sum = lookups.stream().map(c -> Duration.ofNanos(c.endNanos() - c.startNanos()))
                .reduce(Duration.ZERO, Duration::plus);
        long first = lookups.stream().mapToLong(Call::startNanos).min().orElseThrow();
        long last = lookups.stream().mapToLong(Call::endNanos).max().orElseThrow();
        Duration span = Duration.ofNanos(last - first);
        assertThat(span).as("""
                The 6 lookups ran from the first one's start to the last one's end in %d ms, and took %d ms \
                together: at most %d were in flight at once (friendsOf took %d ms). Lookups made one after \
                another take at least their sum; with 10 mappers they overlap each other and the ids' arrival \
                (about 5·10 + 100 ms from the first to the last), so they must take less than their sum.
                %s%s""", span.toMillis(), sum.toMillis(), log.maxInFlight("profile("), outcome.elapsed().toMillis(),
                log.timeline(), KATA.hint(1)).isLessThan(sum);
    }

    @Test
    @Order(9)
    @DisplayName("a failed lookup ends in a FriendsException that names the friend and keeps the cause (kata 03 does it faster)")
    @Checks(10)
    void failedLookupIsReported() {
        friends.with(USER, FakeFriendService.friendIds(4));
        profiles.on(1002, Reply.immediately().failing());

        Throwable thrown = friendsOfUser(2, 3).awaitWithin(DEADLINE).threw(FriendsException.class);

        assertThat(thrown).as("what friendsOf threw when profile(1002) failed%n%s%s", log.timeline(), KATA.hint(3))
                .isInstanceOf(FriendsException.class)
                .hasMessageContaining("friend 1002");
        assertThat(thrown.getCause())
                .as("the cause must be the very exception the profile service threw, so the caller can inspect it")
                .isSameAs(log.firstFailed().failure());
    }

    @Test
    @Order(10)
    @DisplayName("an interrupted caller gets InterruptedException, and the lookups in flight are interrupted too")
    @Checks(7)
    void interruptStopsTheLookups() {
        Gate never = gate("profile lookups that never answer");
        friends.with(USER, FakeFriendService.friendIds(6));
        profiles.byDefault(Reply.when(never));
        // Once interrupted, a lookup lingers until the test lets it end: the handler must wait for it.
        Gate release = gate("the interrupted lookups may end");
        var lingering = new LingeringProfileService(profiles, release);
        FriendsHandler handler = new FriendsHandler(friends, lingering, MAPPERS);
        var call = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));

        awaitLookupsInFlight(call, 6, "All 6 lookups should be in flight. " + KATA.hint(1));
        call.interrupt();
        lingering.awaitLingeringOrDone(call, DEADLINE, () -> "The caller was interrupted " + DEADLINE.toMillis()
                + " ms ago while 6 lookups waited for answers that never come, but no lookup was interrupted and"
                + " friendsOf did not return: the handler must interrupt its threads (Thread.interrupt on each,"
                + " or an executor's shutdownNow()).\n" + log.timeline() + KATA.hint(3));
        // The interrupted lookups cannot end before the test opens the gate, so a correct handler cannot
        // return in the window (it costs it only time).
        boolean returnedWhileALookupLingered = call.watchFor(call::isDone, WATCH);
        release.open();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class))
                .as("an interrupt must reach the caller as InterruptedException, not wrapped, not swallowed; %s",
                        KATA.hint(3))
                .isInstanceOf(InterruptedException.class);
        assertThat(returnedWhileALookupLingered).as("""
                friendsOf threw while lookups it had interrupted were still running (the test held them back \
                once interrupted): interrupting its threads is not enough, it must wait until every one has \
                ended (join them) before it throws.
                %s%s""", log.timeline(), KATA.hint(3)).isFalse();
        List<Call> lookups = log.calls("profile(");
        assertThat(lookups).as("""
                The caller was interrupted while 6 lookups waited for answers that never come: the handler must \
                interrupt its threads and wait for them before it throws.
                %s%s""", log.timeline(), KATA.hint(3)).allSatisfy(c -> assertThat(c.interrupted()).isTrue());
    }
}
