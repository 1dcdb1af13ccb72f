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
import errgroupkatas.story.ServiceException;
import errgroupkatas.story.User;
import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.Checks;
import errgroupkatas.support.FakeFriendService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.LeakDetector;
import errgroupkatas.support.LingeringFriendService;
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
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
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
    /** How long {@link #leavesNoThreadBehindWhenItFails} calls friendsOf again and again: its repetition net. */
    static final long NET_MILLIS = 250;
    /** The second user of the tests that call one handler for two users. */
    static final long OTHER_USER = 2;

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
                + " again for " + NET.toMillis() + " ms", () -> threadAliveAtEnd(NET, false))).awaitWithin(DEADLINE)
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
     *
     * <p>With {@code failing}, the one lookup of each call fails, and the net looks the moment friendsOf
     * throws: a handler that joins its threads on the way out of a success but not of a failure is caught
     * there. Catch rate measured on the 2-core machine under a load of 8 to 10, in a JVM warmed as the tests
     * before it warm it: a handler that joins its threads only when nothing failed (and throws the recorded
     * failure at once) in 40 of 40 runs of the 250 ms net, always by its 57th call.
     *
     * @return what the first call that ended with a thread still alive left behind, or null
     */
    private static String threadAliveAtEnd(Duration window, boolean failing) throws Exception {
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        Thread self = Thread.currentThread();
        long start = System.nanoTime();
        for (int calls = 1; ; calls++) {
            CallLog runLog = new CallLog();
            var runFriends = new FakeFriendService(runLog).with(USER, FakeFriendService.friendIds(1));
            var runProfiles = new FakeProfileService(runLog);
            if (failing) {
                runProfiles.byDefault(Reply.immediately().failing());
            }
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
            String ended = "returned";
            try {
                new FriendsHandler(recordingFriends, recordingProfiles, 1).friendsOf(USER);
            } catch (FriendsException e) {
                ended = "threw " + e;
            }
            List<String> alive = callers.stream().filter(t -> t != self && t.isAlive()).map(Thread::toString)
                    .toList();
            long elapsed = System.nanoTime() - start;
            if (!alive.isEmpty()) {
                return String.format("friendsOf(%d) with one friend and one mapper %s while a thread it had"
                        + " started was still alive: %s (call %d of this test's one-friend calls, after %d ms).%n%s",
                        USER, ended, String.join(", ", alive), calls, elapsed / 1_000_000, runLog.timeline());
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

    /** Asserts that {@code thrown}'s message names {@code what} ("user 1") as a whole: "user 1001" names another id. */
    private static void assertNames(Throwable thrown, String what, String context) {
        assertThat(thrown.getMessage()).as("""
                the message of what friendsOf threw when %s: it must name "%s" (and not a longer id that \
                starts with the same digits)%n%s""", context, what, KATA.hint(3))
                .containsPattern(Pattern.quote(what) + "(?![0-9])");
    }

    /** The service call a test makes fail, for friends 1001 to 1004. */
    enum Stage {
        OPEN("friendIds(" + USER + ")", "user " + USER),
        NEXT("next#2", "user " + USER),
        LOOKUP("profile(1002)", "friend 1002");

        final String call;
        /** What a FriendsException for this stage's failure names. */
        final String names;

        Stage(String call, String names) {
            this.call = call;
            this.names = names;
        }

        void script(FakeFriendService friends, FakeProfileService profiles, Reply reply) {
            switch (this) {
                case OPEN -> friends.onOpen(reply);
                case NEXT -> friends.onNext(2, reply);
                case LOOKUP -> profiles.on(1002, reply);
            }
        }

        @Override
        public String toString() {
            return call;
        }
    }

    /** What a service throws that it does not declare: a bug (a RuntimeException) or Go's panic (an Error). */
    enum Unchecked {
        RUNTIME_EXCEPTION, ERROR;

        Throwable create(Stage stage) {
            return this == ERROR ? new Error(stage.call + " panicked: an Error (the test threw it)")
                    : new IllegalStateException(stage.call + " has a bug: a RuntimeException (the test threw it)");
        }
    }

    /** No next() started after {@code failed} (a failed read) ended: a cursor that failed is finished. */
    private void assertNoReadAfter(Call failed) {
        assertThat(log.startedAfterEnd(failed)).as("""
                calls started after %s failed: a failed next() ends the ids (the cursor is finished), so no \
                next() may follow it, not even a retry.
                %s%s""", failed.name(), log.timeline(), KATA.hint(3))
                .noneMatch(c -> c.name().startsWith("next#") || c.name().startsWith("friendIds("));
    }

    @ParameterizedTest(name = "{0} fails")
    @EnumSource(names = {"OPEN", "NEXT"})
    @Order(11)
    @DisplayName("a failed friend-id cursor (opening it, or a next()) ends in a FriendsException that names the user and keeps the cause, and no next() follows it")
    @Checks(11)
    void failedCursorIsReported(Stage stage) {
        friends.with(USER, FakeFriendService.friendIds(4));
        stage.script(friends, profiles, Reply.immediately().failing());

        Throwable thrown = friendsOfUser(2, 3).awaitWithin(DEADLINE).threw(FriendsException.class);

        assertThat(thrown).as("what friendsOf threw when %s failed%n%s%s", stage.call, log.timeline(), KATA.hint(3))
                .isInstanceOf(FriendsException.class);
        assertNames(thrown, stage.names, stage.call + " failed");
        Call failed = log.firstFailed();
        assertThat(thrown.getCause()).as("the cause must be the very exception the friend service threw, so the"
                + " caller can inspect it").isSameAs(failed.failure());
        assertNoReadAfter(failed);
        if (stage == Stage.OPEN) {
            assertThat(log.calls()).as("calls made when opening the cursor failed: nothing after it%n%s%s",
                    log.timeline(), KATA.hint(3)).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Unchecked.class)
    @Order(12)
    @DisplayName("a lookup's unchecked exception (a RuntimeException, an Error: Go's panic) reaches the caller: never lost on a mapper's thread")
    @Checks({12, 13})
    void uncheckedLookupFailureReachesTheCaller(Unchecked kind) {
        assertUncheckedFailureReachesTheCaller(Stage.LOOKUP, kind);
    }

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("cursorStagesAndUnchecked")
    @Order(13)
    @DisplayName("the cursor's unchecked exception (opening it, or a next()) reaches the caller too: never lost on the producer's thread, never a hang, and no next() follows it")
    @Checks({11, 12, 13})
    void uncheckedCursorFailureReachesTheCaller(Stage stage, Unchecked kind) {
        assertUncheckedFailureReachesTheCaller(stage, kind);
    }

    static Stream<Arguments> cursorStagesAndUnchecked() {
        return Stream.of(Stage.OPEN, Stage.NEXT).flatMap(s -> Stream.of(Unchecked.values()).map(u -> Arguments.of(s, u)));
    }

    /** {@code stage}'s call throws {@code kind}: friendsOf must throw it, as it is or as a FriendsException's cause. */
    private void assertUncheckedFailureReachesTheCaller(Stage stage, Unchecked kind) {
        Throwable failure = kind.create(stage);
        friends.with(USER, FakeFriendService.friendIds(4));
        stage.script(friends, profiles, Reply.immediately().failingWith(() -> failure));

        Throwable thrown = friendsOfUser(2, 3).awaitWithin(DEADLINE).threw(failure.getClass());

        assertThat(thrown == failure || thrown instanceof FriendsException && thrown.getCause() == failure).as("""
                friendsOf threw %s when %s threw %s: that very exception was expected, thrown as it is or as \
                the cause of a FriendsException. A thread of the pipeline that catches only ServiceException dies \
                of it (and the failure is lost), or leaves the others waiting for an end marker that never comes: \
                catch every Throwable where a stage runs, and hand it to the caller.
                %s%s""", thrown, stage.call, failure, log.timeline(), KATA.hint(3)).isTrue();
        if (stage == Stage.NEXT) {
            assertNoReadAfter(log.firstFailed());
        }
    }

    /** A failure while another call of the pipeline is still held. */
    enum RunDown {
        LOOKUP_FAILS_WHILE_A_LOOKUP_IS_HELD("profile(1002)", "profile(1001)", "friend 1002"),
        NEXT_FAILS_WHILE_A_LOOKUP_IS_HELD("next#2", "profile(1001)", "user " + USER),
        LOOKUP_FAILS_WHILE_NEXT_IS_HELD("profile(1001)", "next#2", "friend 1001");

        final String failing;
        final String held;
        final String names;

        RunDown(String failing, String held, String names) {
            this.failing = failing;
            this.held = held;
            this.names = names;
        }

        @Override
        public String toString() {
            return failing + " fails while " + held + " is held";
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RunDown.class)
    @Order(14)
    @DisplayName("a failure is thrown only once the pipeline has run down: not while a lookup or the producer's next() is still held")
    @Checks({6, 13})
    void failureWaitsForTheRunDown(RunDown scenario) {
        Gate held = gate(scenario.held + " answers");
        Gate release = gate("the interrupted calls may end");
        // The failure waits until the held call has started: a handler that stops the others at the failure
        // (kata 03 does) could otherwise stop the held call's thread before it ever makes that call.
        Gate fail = gate(scenario.failing + " fails");
        friends.with(USER, FakeFriendService.friendIds(3));
        Reply failing = Reply.when(fail).failing();
        switch (scenario) {
            case LOOKUP_FAILS_WHILE_A_LOOKUP_IS_HELD -> profiles.on(1001, Reply.when(held)).on(1002, failing);
            case NEXT_FAILS_WHILE_A_LOOKUP_IS_HELD -> {
                profiles.on(1001, Reply.when(held));
                friends.onNext(2, failing);
            }
            case LOOKUP_FAILS_WHILE_NEXT_IS_HELD -> {
                profiles.on(1001, failing);
                friends.onNext(2, Reply.when(held));
            }
        }
        // A handler may interrupt the others at the failure (kata 03 does): then the held call lingers until
        // the test lets it end. Either way it is still running until the test opens both gates.
        FriendsHandler handler = new FriendsHandler(new LingeringFriendService(friends, release),
                new LingeringProfileService(profiles, release), 2);
        var call = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));

        boolean leftEarly;
        try {
            call.awaitFakeCall(log, scenario.held, DEADLINE);
            call.awaitFakeCall(log, scenario.failing, DEADLINE);
            fail.open();
            leftEarly = call.watchFor(call::isDone, WATCH);
        } finally {
            held.open();
            release.open();
        }
        Throwable thrown = call.awaitWithin(DEADLINE).threw(FriendsException.class);

        assertThat(leftEarly).as("""
                friendsOf ended while %s was still running (the test held it): when %s failed, the handler \
                threw without waiting for the rest of its pipeline, and left a thread of its own running. Record \
                the failure, let the pipeline run down (or stop it), and throw once every thread has ended.
                %s%s""", scenario.held, scenario.failing, log.timeline(), KATA.hint(3)).isFalse();
        assertThat(thrown).as("what friendsOf threw when %s failed%n%s%s", scenario.failing, log.timeline(),
                KATA.hint(3)).isInstanceOf(FriendsException.class);
        assertNames(thrown, scenario.names, scenario.failing + " failed");
    }

    @Test
    @Order(15)
    @DisplayName("an interrupt while the producer waits for an id interrupts it too, and friendsOf throws only once it has ended")
    @Checks(7)
    void interruptWhileReadingTheIds() {
        Gate never = gate("next#2 never answers");
        Gate release = gate("the interrupted next() may end");
        friends.with(USER, FakeFriendService.friendIds(3)).onNext(2, Reply.when(never));
        var lingering = new LingeringFriendService(friends, release);
        FriendsHandler handler = new FriendsHandler(lingering, profiles, MAPPERS);
        var call = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));

        Call blocked = call.awaitFakeCall(log, "next#2", DEADLINE);
        call.interrupt();
        lingering.awaitLingeringOrDone(call, DEADLINE, () -> "The caller was interrupted " + DEADLINE.toMillis() + " ms ago"
                + " while the producer waited in next#2 for an id that never comes, but the producer was not"
                + " interrupted and friendsOf did not return: the handler must interrupt every thread it started,"
                + " the producer too.\n" + log.timeline() + KATA.hint(3));
        // The interrupted next() cannot end before the test opens the gate: a correct handler waits for it.
        boolean returnedWhileTheProducerLingered = call.watchFor(call::isDone, WATCH);
        release.open();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller was interrupted while the ids were read: the \
                InterruptedException, not wrapped, not swallowed, and not the friends read so far.
                %s%s""", log.timeline(), KATA.hint(3)).isInstanceOf(InterruptedException.class);
        assertThat(returnedWhileTheProducerLingered).as("""
                friendsOf threw while the producer it had interrupted was still in next() (the test held it \
                back once interrupted): join the producer too, not only the mappers, before it throws.
                %s%s""", log.timeline(), KATA.hint(3)).isFalse();
        assertThat(blocked.interrupted()).as("next#2 should have seen the interrupt%n%s", log.timeline()).isTrue();
    }

    @Test
    @Order(16)
    @DisplayName("an interrupt while the cursor is being opened reaches the caller as InterruptedException, and no call follows")
    @Checks(7)
    void interruptWhileOpening() {
        Gate never = gate("friendIds(" + USER + ") never answers");
        friends.with(USER, FakeFriendService.friendIds(3)).onOpen(Reply.when(never));

        var call = friendsOfUser(MAPPERS, 3);
        Call blocked = call.awaitFakeCall(log, "friendIds(", DEADLINE);
        call.interrupt();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller was interrupted while friendIds(%d) waited: the \
                InterruptedException itself, not wrapped (it is not a failure of the friend service).
                %s%s""", USER, log.timeline(), KATA.hint(3)).isInstanceOf(InterruptedException.class);
        assertThat(blocked.interrupted()).as("friendIds(%d) should have seen the interrupt%n%s", USER,
                log.timeline()).isTrue();
        assertThatCalls(log).withHint(KATA.hint(3)).hasNoCallStartedAfterEnd(blocked);
    }

    @Test
    @Order(17)
    @DisplayName("a caller interrupted before it calls gets InterruptedException, no profile is looked up, and no thread is left")
    @Checks(7)
    void interruptedBeforeTheCall() {
        friends.with(USER, FakeFriendService.friendIds(3));
        FriendsHandler handler = new FriendsHandler(friends, profiles, MAPPERS);

        Outcome<List<User>> outcome = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ") by a caller"
                + " already interrupted", () -> {
                    Thread.currentThread().interrupt();
                    return handler.friendsOf(USER);
                }).showing(log)).awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller had been interrupted before the call: InterruptedException \
                (the first blocking call throws it at once), after every thread it started has ended.
                %s%s""", log.timeline(), KATA.hint(3)).isInstanceOf(InterruptedException.class);
        assertThat(log.calls("profile(")).as("lookups made for a caller interrupted before the call%n%s%s",
                log.timeline(), KATA.hint(3)).isEmpty();
    }

    @Test
    @Order(18)
    @DisplayName("interrupted again while it waits for its interrupted lookups, it still waits for them, then throws InterruptedException")
    @Checks(7)
    void interruptedAgainWhileItWaits() {
        Gate never = gate("profile lookups that never answer");
        friends.with(USER, FakeFriendService.friendIds(3));
        profiles.byDefault(Reply.when(never));
        Gate release = gate("the interrupted lookups may end");
        var lingering = new LingeringProfileService(profiles, release);
        FriendsHandler handler = new FriendsHandler(friends, lingering, MAPPERS);
        var call = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));

        awaitLookupsInFlight(call, 3, "All 3 lookups should be in flight. " + KATA.hint(1));
        call.interrupt();
        lingering.awaitLingeringOrDone(call, DEADLINE, () -> "The caller was interrupted " + DEADLINE.toMillis()
                + " ms ago while 3 lookups waited, but no lookup was interrupted and friendsOf did not return.\n"
                + log.timeline() + KATA.hint(3));
        call.interrupt(); // again, while it waits for the lookups it interrupted
        boolean returnedWhileALookupLingered = call.watchFor(call::isDone, WATCH);
        release.open();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller was interrupted twice: InterruptedException, once every \
                thread it started has ended.
                %s%s""", log.timeline(), KATA.hint(3)).isInstanceOf(InterruptedException.class);
        assertThat(returnedWhileALookupLingered).as("""
                friendsOf left when its caller was interrupted a second time, while lookups it had interrupted \
                were still running (the test held them): a second interrupt is no reason to leave threads \
                behind. Interrupt them again if you like, and go on joining; then throw.
                %s%s""", log.timeline(), KATA.hint(3)).isFalse();
    }

    @Test
    @Order(19)
    @DisplayName("the queue of ids is bounded: while every lookup is held, the producer stops after a few ids per mapper (1000 friends, 4 mappers), and an interrupt then stops it too")
    @Checks({4, 7})
    void boundedQueueOfIds() {
        int mappers = 4;
        int readAhead = 10 * mappers;
        Gate never = gate("every profile lookup");
        friends.with(USER, FakeFriendService.friendIds(1000));
        profiles.byDefault(Reply.when(never));

        var call = friendsOfUser(mappers, 1);
        awaitLookupsInFlight(call, mappers, "With 4 mappers and 1000 friends, 4 lookups should be in flight"
                + " together (the test holds every lookup).\n" + KATA.hint(1));
        // In the lookups, waiting in the queue, one in the producer's hand: more is a queue without limit.
        boolean ranAhead = call.watchFor(() -> log.calls("next#").size() > mappers + readAhead + 1, WATCH);
        int read = log.calls("next#").size();
        call.interrupt();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(ranAhead).as("""
                While the 4 mappers were held in their lookups, the producer called next() %d times (1000 friends): more than \
                %d ids ahead of the lookups. The queue between the producer and the mappers must be bounded (an \
                ArrayBlockingQueue of `mappers` ids, say), so that a fast cursor waits for slow lookups instead \
                of filling the memory.
                %s""", read, readAhead, KATA.hint(1)).isFalse();
        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller was interrupted while the producer waited for room in the \
                queue and the mappers in their lookups%n%s%s""", log.timeline(), KATA.hint(3))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    @Order(20)
    @DisplayName("one producer thread of its own reads the ids, the mappers' threads look profiles up, the caller does neither")
    @Checks(1)
    void eachRoleOnItsOwnThreads() {
        int mappers = 3;
        Gate lookups = gate("every profile lookup");
        List<Long> ids = FakeFriendService.friendIds(6);
        friends.with(USER, ids);
        profiles.byDefault(Reply.when(lookups));
        Set<Thread> readers = ConcurrentHashMap.newKeySet();
        Set<Thread> lookers = ConcurrentHashMap.newKeySet();
        FriendService recordingFriends = user -> {
            FriendIdCursor cursor = friends.friendIds(user);
            return () -> {
                readers.add(Thread.currentThread());
                return cursor.next();
            };
        };
        ProfileService recordingProfiles = id -> {
            lookers.add(Thread.currentThread());
            return profiles.profile(id);
        };
        FriendsHandler handler = new FriendsHandler(recordingFriends, recordingProfiles, mappers);
        var call = callerStatus.watch(KATA.withHint(1).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));

        try {
            awaitLookupsInFlight(call, mappers, "With 3 mappers and 6 friends, 3 lookups should be in flight"
                    + " together (the test holds every lookup until then).\n" + KATA.hint(1));
        } finally {
            lookups.open();
        }
        assertEveryFriendOnce(call.awaitWithin(DEADLINE).returned(), ids);

        Thread caller = call.thread();
        assertThat(readers).as("""
                the threads that read the ids (called next()): one producer, a thread of its own, was expected; \
                the caller (%s) is the reducer, and a caller busy reading ids collects no results meanwhile.
                %s%s""", caller.getName(), log.timeline(), KATA.hint(1)).hasSize(1).doesNotContain(caller);
        assertThat(lookers).as("""
                the threads that looked profiles up: the mappers, at most 3 of them, neither the caller (%s) nor \
                the producer.
                %s%s""", caller.getName(), log.timeline(), KATA.hint(1)).hasSizeBetween(1, mappers)
                .doesNotContain(caller).doesNotContainAnyElementsOf(readers);
    }

    @Test
    @Order(21)
    @DisplayName("two friends who share a name are still two friends: every profile once, by id")
    @Checks(9)
    void friendsWhoShareAName() {
        List<Long> ids = FakeFriendService.friendIds(6);
        friends.with(USER, ids);
        ProfileService namesakes = id -> new User(profiles.profile(id).id(), "Alex");
        FriendsHandler handler = new FriendsHandler(friends, namesakes, MAPPERS);

        List<User> result = callerStatus.watch(KATA.withHint(2).call("friendsOf(" + USER + ")",
                () -> handler.friendsOf(USER)).showing(log)).awaitWithin(DEADLINE).returned();

        assertThat(result).as("""
                the friends of user %d, six friends all named "Alex": one profile per id was expected. A map \
                keyed by name (as the Go original's reducer builds) keeps one Alex and loses the others.
                %s%s""", USER, log.timeline(), KATA.hint(2))
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> new User(id, "Alex")).toList());
    }

    @Test
    @Order(22)
    @DisplayName("a handler can be called again: the second call returns only its own user's friends")
    @Checks(14)
    void callableAgain() {
        List<Long> first = FakeFriendService.friendIds(3);
        List<Long> second = List.of(2001L, 2002L, 2003L, 2004L);
        friends.with(USER, first).with(OTHER_USER, second);
        FriendsHandler handler = new FriendsHandler(friends, profiles, 2);

        assertEveryFriendOnce(callerStatus.watch(KATA.withHint(2).call("friendsOf(" + USER + ")",
                () -> handler.friendsOf(USER)).showing(log)).awaitWithin(DEADLINE).returned(), first);
        List<User> again = callerStatus.watch(KATA.withHint(2).call("friendsOf(" + OTHER_USER + "), the second call"
                + " on the same handler", () -> handler.friendsOf(OTHER_USER)).showing(log)).awaitWithin(DEADLINE)
                .returned();

        assertThat(again).as("""
                the second call on the same handler, for user %d: only that user's friends, each once, were \
                expected. A handler keeps nothing between calls: a queue, a list or a countdown kept in a field \
                carries one call into the next (a countdown at zero never reaches zero again).
                %s%s""", OTHER_USER, log.timeline(), KATA.hint(2))
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(second));
    }

    @Test
    @Order(23)
    @DisplayName("a handler can be called by two threads at once: each call returns only its own user's friends")
    @Checks(14)
    void twoCallsAtOnce() {
        Gate lookups = gate("every profile lookup");
        List<Long> first = FakeFriendService.friendIds(3);
        List<Long> second = List.of(2001L, 2002L, 2003L);
        friends.with(USER, first).with(OTHER_USER, second);
        profiles.byDefault(Reply.when(lookups));
        FriendsHandler handler = new FriendsHandler(friends, profiles, 2);

        var one = callerStatus.watch(KATA.withHint(2).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))
                .showing(log));
        var other = callerStatus.watch(KATA.withHint(2).call("friendsOf(" + OTHER_USER + "), at the same time on"
                + " the same handler", () -> handler.friendsOf(OTHER_USER)).showing(log));
        try {
            one.awaitInFlight(log, "profile(", 4, DEADLINE);
        } finally {
            lookups.open();
        }

        assertThat(one.awaitWithin(DEADLINE).returned()).as("""
                friendsOf(%d), called while friendsOf(%d) ran at the same time on the same handler: only user \
                %d's friends, each once, were expected. A handler keeps nothing between calls: every queue, \
                counter and thread list belongs to one call (local variables), or two calls mix their friends.
                %s%s""", USER, OTHER_USER, USER, log.timeline(), KATA.hint(2))
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(first));
        assertThat(other.awaitWithin(DEADLINE).returned()).as("friendsOf(%d), called at the same time as"
                + " friendsOf(%d) on the same handler%n%s%s", OTHER_USER, USER, log.timeline(), KATA.hint(2))
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(second));
    }

    @Test
    @Order(24)
    @DisplayName("every thread it started has ended when it throws, too (" + NET_MILLIS + " ms of one-friend calls whose lookup fails, each checked the moment it throws)")
    @Checks({6, 13})
    void leavesNoThreadBehindWhenItFails() {
        String alive = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ") on one friend whose lookup"
                + " fails, again and again for " + NET_MILLIS + " ms", () -> threadAliveAtEnd(
                        Duration.ofMillis(NET_MILLIS), true))).awaitWithin(DEADLINE).returned();
        assertThat(alive).as("""
                %s
                A failure is thrown once the pipeline has run down: every thread the call started has ended, not \
                only done with its task. Join every thread on the way out, whichever way out it is.
                %s""", alive, KATA.hint(3)).isNull();
    }
}
