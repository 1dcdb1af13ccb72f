package errgroupkatas.errgroup;

import static errgroupkatas.errgroup.ErrGroupTest.DEADLINE;
import static errgroupkatas.errgroup.ErrGroupTest.KATA;
import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import errgroupkatas.story.FriendIdCursor;
import errgroupkatas.story.FriendService;
import errgroupkatas.story.FriendsException;
import errgroupkatas.story.ProfileService;
import errgroupkatas.story.User;
import errgroupkatas.support.Call;
import errgroupkatas.support.Checks;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.FakeFriendService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.LingeringProfileService;
import errgroupkatas.support.Reply;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kata 03, part B: the friends handler as one ErrGroup of a producer, mappers and a reducer. Every
 * test also fails if a thread the call started is still alive after it returned (success,
 * failure or cancellation).
 */
@Order(2)
@DisplayName("Kata 03 part B — the friends handler on an ErrGroup")
class FriendsHandlerTest {
    static final int MAPPERS = 3;

    @RegisterExtension
    final Kata.NoLeaks noLeaks = KATA.noLeaks(1);
    /** Every friendsOf of these tests: it must never leave its caller's interrupt status set (rule 27). */
    @RegisterExtension
    final Kata.CallerStatus callerStatus = KATA.callerStatus(2);

    final CallLog log = new CallLog();
    final FakeFriendService friends = new FakeFriendService(log);
    final FakeProfileService profiles = new FakeProfileService(log);
    final FriendsHandler handler = new FriendsHandler(friends, profiles, MAPPERS);
    final Gate never = Gate.closed("never (the test never opens it)");

    /** Starts friendsOf(USER); its failures cite {@code hint}, the one that helps with the test. */
    private KataCall<List<User>> friendsOfUser(int hint) {
        return callerStatus.watch(KATA.withHint(hint).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER))).showing(log);
    }

    private FriendsException friendsException(Throwable thrown, String what) {
        assertThat(thrown).as("what friendsOf threw when %s; %s", what, KATA.hint(3))
                .isInstanceOf(FriendsException.class);
        return (FriendsException) thrown;
    }

    private void assertInterrupted(String... calls) {
        for (String name : calls) {
            assertThat(log.calls(name)).as("the calls to %s", name).isNotEmpty();
            assertThat(log.calls(name).getFirst().outcome()).as("%s was still waiting (its gate never opens): the"
                    + " first failure must interrupt it, and friendsOf must return only after it ended.%n%s%s",
                    name, log.timeline(), KATA.hint(2)).isEqualTo(Call.Outcome.INTERRUPTED);
        }
    }

    @Test
    @Checks({13, 20})
    @Order(1)
    @DisplayName("returns every friend's profile, each once")
    void returnsEveryFriend() {
        List<Long> ids = FakeFriendService.friendIds(7);
        friends.with(USER, ids);

        List<User> result = friendsOfUser(3).awaitWithin(DEADLINE).returned();

        assertThat(result).as("the friends of user %d (in any order)%n%s", USER, log.timeline())
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(ids));
        assertThatCalls(log).hasCalls("profile(", 7);
    }

    @Test
    @Checks(13)
    @Order(2)
    @DisplayName("a user without friends gets an empty list")
    void noFriends() {
        friends.with(USER, List.of());

        assertThat(friendsOfUser(3).awaitWithin(DEADLINE).returned()).as("friends of a user who has none").isEmpty();
        assertThatCalls(log).hasCalls("profile(", 0);
    }

    @Test
    @Checks({13, 25})
    @Order(3)
    @DisplayName("looks profiles up in parallel: " + MAPPERS + " at once while ids still arrive, never more")
    void looksUpInParallel() {
        Gate lookups = Gate.closed("every lookup");
        Gate restOfTheIds = Gate.closed("the ids after the first " + MAPPERS);
        List<Long> ids = FakeFriendService.friendIds(2 * MAPPERS);
        friends.with(USER, ids).onNext(MAPPERS, Reply.when(restOfTheIds));
        profiles.byDefault(Reply.when(lookups));

        var call = friendsOfUser(3);
        for (long id : ids.subList(0, MAPPERS)) {
            // Only the first MAPPERS ids have arrived: the lookups must not wait for the rest.
            call.awaitFakeCall(log, "profile(" + id + ")", DEADLINE);
        }
        restOfTheIds.open();
        lookups.open();
        List<User> result = call.awaitWithin(DEADLINE).returned();

        assertThat(result).containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(ids));
        assertThatCalls(log).as("the profile lookups, with %d mappers", MAPPERS).withHint(KATA.hint(3))
                .reachedConcurrency("profile(", MAPPERS).neverExceededConcurrency("profile(", MAPPERS);
    }

    @Test
    @Checks({13, 15})
    @Order(4)
    @DisplayName("needs at least one mapper: new FriendsHandler(…, 0) throws IllegalArgumentException, and 1 mapper returns every friend")
    void needsAtLeastOneMapper() {
        Throwable zero = catchThrowable(() -> new FriendsHandler(friends, profiles, 0));
        assertThat(zero).as("""
                new FriendsHandler(friends, profiles, 0) %s: with no mapper nobody would ever look a profile up \
                (and nobody would end the profiles' stream, so the reducer would wait for ever). The constructor \
                must refuse it at once with IllegalArgumentException (see its javadoc).
                %s""", zero == null ? "returned a handler" : "threw " + zero, KATA.hint(3))
                .isInstanceOf(IllegalArgumentException.class);
        Throwable one = catchThrowable(() -> new FriendsHandler(friends, profiles, 1));
        assertThat(one).as("""
                new FriendsHandler(friends, profiles, 1) threw %s: one mapper is the smallest pipeline there is \
                ("at least 1"), and it must work like any other.
                %s""", one, KATA.hint(3)).isNull();

        List<Long> ids = FakeFriendService.friendIds(3);
        friends.with(USER, ids);
        FriendsHandler oneMapper = new FriendsHandler(friends, profiles, 1);
        List<User> result = callerStatus.watch(KATA.withHint(3).call("friendsOf(" + USER + ") with 1 mapper", () -> oneMapper.friendsOf(USER))).showing(log).awaitWithin(DEADLINE).returned();

        assertThat(result).as("the friends of user %d with 1 mapper (in any order)%n%s", USER, log.timeline())
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(ids));
        assertThatCalls(log).as("the profile lookups, with 1 mapper").withHint(KATA.hint(3))
                .reachedConcurrency("profile(", 1).neverExceededConcurrency("profile(", 1);
    }

    @Test
    @Checks(16)
    @Order(5)
    @DisplayName("a failed lookup is an error that names the friend (the Go original names the user) and keeps the cause")
    void failedLookupNamesTheFriend() {
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.on(1002, Reply.immediately().failing());

        FriendsException thrown = friendsException(friendsOfUser(3).awaitWithin(DEADLINE).threw(FriendsException.class),
                "profile(1002) failed");

        assertThat(thrown).as("the message must name the friend whose lookup failed; %s", KATA.hint(3))
                .hasMessageContaining("friend 1002");
        assertThat(thrown.getCause()).as("the cause must be the very exception the profile service threw, not"
                + " the group's ExecutionException; %s", KATA.hint(3)).isSameAs(log.firstFailed().failure());
    }

    @Test
    @Checks({16, 18})
    @Order(6)
    @DisplayName("a failed friend-id cursor is an error that names the user, and it stops the lookups in flight")
    void failedCursorNamesTheUser() {
        Gate fail = Gate.closed("next#1 fails");
        friends.with(USER, List.of(1001L, 1002L, 1003L)).onNext(1, Reply.when(fail).failing());
        profiles.on(1001, Reply.when(never));

        var call = friendsOfUser(3);
        call.awaitFakeCall(log, "profile(1001)", DEADLINE);
        call.awaitFakeCall(log, "next#1", DEADLINE);
        fail.open();
        FriendsException thrown = friendsException(call.awaitWithin(DEADLINE).threw(FriendsException.class),
                "the cursor's next() failed");

        assertThat(thrown).hasMessageContaining("user " + USER);
        assertThat(thrown.getCause()).as("the cause must be the very exception the friend service threw")
                .isSameAs(log.firstFailed().failure());
        assertInterrupted("profile(1001)");
    }

    @Test
    @Checks({16, 18, 20})
    @Order(7)
    @DisplayName("fails fast: one failed lookup ends the call while the other lookups' gates are still closed, and interrupts them")
    void failsFast() {
        Gate fail = Gate.closed("profile(1002) fails");
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.byDefault(Reply.when(never)).on(1002, Reply.when(fail).failing());

        var call = friendsOfUser(2);
        for (long id = 1001; id <= 1003; id++) {
            call.awaitFakeCall(log, "profile(" + id + ")", DEADLINE);
        }
        fail.open();
        FriendsException thrown = friendsException(call.awaitWithin(DEADLINE).threw(FriendsException.class),
                "profile(1002) failed while"
                + " profile(1001) and profile(1003) waited for gates that never open");

        assertThat(thrown).hasMessageContaining("friend 1002");
        assertThat(thrown.getCause()).as("the cause: the failure itself, not the cancellation it caused; %s",
                KATA.hint(2)).isSameAs(log.calls("profile(1002)").getFirst().failure());
        assertInterrupted("profile(1001)", "profile(1003)");
    }

    @Test
    @Checks({18, 20})
    @Order(8)
    @DisplayName("no call starts after the failure, and the producer's read in flight is interrupted too")
    void noCallAfterTheFailure() {
        // Every thread of the call is held in a fake call before the failure: the mappers in their
        // lookups, the producer in next#3 (the 4th id). A producer left running (between two reads)
        // could start a read after the failed call ended and before the group heard of it; that
        // is no bug, so the test never opens the failure while one can.
        Gate fail = Gate.closed("profile(1001) fails");
        friends.with(USER, FakeFriendService.friendIds(8)).onNext(MAPPERS, Reply.when(never));
        profiles.on(1001, Reply.when(fail).failing()).on(1002, Reply.when(never)).on(1003, Reply.when(never));

        var call = friendsOfUser(2);
        call.awaitFakeCall(log, "profile(1003)", DEADLINE);
        call.awaitFakeCall(log, "profile(1002)", DEADLINE);
        call.awaitFakeCall(log, "profile(1001)", DEADLINE);
        call.awaitFakeCall(log, "next#" + MAPPERS, DEADLINE);
        fail.open();
        friendsException(call.awaitWithin(DEADLINE).threw(FriendsException.class), "profile(1001) failed");

        assertThatCalls(log).withHint(KATA.hint(2)).hasNoCallStartedAfterEnd(log.firstFailed()).hasNothingInFlight();
        assertInterrupted("profile(1002)", "profile(1003)", "next#" + MAPPERS);
    }

    /** What a service throws that it does not declare: a bug (a RuntimeException) or Go's panic (an Error). */
    enum Unchecked {
        RUNTIME_EXCEPTION, ERROR;

        Throwable create() {
            return this == ERROR ? new Error("profile(1002) panicked: an Error (the test threw it)")
                    : new IllegalStateException("profile(1002) has a bug: a RuntimeException (the test threw it)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @Checks({17, 18})
    @EnumSource(Unchecked.class)
    @Order(9)
    @DisplayName("a service's unchecked exception (a RuntimeException, an Error: Go's panic) fails fast too, and friendsOf throws it as it is")
    void uncheckedExceptionIsThrownAsItIs(Unchecked kind) {
        Gate answer = Gate.closed("profile(1002) answers, then its service throws " + kind);
        Throwable unchecked = kind.create();
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.byDefault(Reply.when(never)).on(1002, Reply.when(answer).failingWith(() -> unchecked));

        var call = friendsOfUser(3);
        for (long id = 1001; id <= 1003; id++) {
            call.awaitFakeCall(log, "profile(" + id + ")", DEADLINE);
        }
        answer.open();
        Throwable thrown = call.awaitWithin(DEADLINE).threw(unchecked.getClass());

        assertThat(thrown).as("""
                what friendsOf threw when the profile service threw %s (a bug in the service, not a failed \
                lookup): that very exception, as it is, was expected. The group already catches it for you \
                (your ErrGroup catches Throwable); unwrap the ExecutionException, then throw a FriendsException \
                as a FriendsException and an unchecked exception as it is: do not cast every cause to \
                FriendsException (a ClassCastException hides the bug), and do not wrap it.
                %s%s""", unchecked, log.timeline(), KATA.hint(3)).isSameAs(unchecked);
        assertInterrupted("profile(1001)", "profile(1003)");
    }

    @Test
    @Checks({19, 20})
    @Order(10)
    @DisplayName("an interrupted caller cancels everything: every call in flight is interrupted, none starts after, and friendsOf throws InterruptedException")
    void interruptCancelsEverything() {
        friends.with(USER, FakeFriendService.friendIds(8)).onNext(MAPPERS, Reply.when(never));
        profiles.byDefault(Reply.when(never));

        var call = friendsOfUser(2);
        for (long id = 1001; id < 1001 + MAPPERS; id++) {
            call.awaitFakeCall(log, "profile(" + id + ")", DEADLINE);
        }
        call.awaitFakeCall(log, "next#" + MAPPERS, DEADLINE);
        long interruptedAt = System.nanoTime();
        call.interrupt();
        var outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("an interrupted caller must get InterruptedException, not wrapped, not"
                + " swallowed; %s", KATA.hint(2)).isInstanceOf(InterruptedException.class);
        assertInterrupted("profile(1001)", "profile(1002)", "profile(1003)", "next#" + MAPPERS);
        assertThat(log.startedAfter(interruptedAt)).as("calls started after the caller was interrupted%n%s%s",
                log.timeline(), KATA.hint(2)).isEmpty();
    }

    /** Where the friend-id cursor fails: opening it, its first next(), or the next() that would find the end. */
    enum CursorFailure {
        OPEN, FIRST_NEXT, END_NEXT
    }

    /** The message names the user: "user 1", and not "user 1001" (which merely starts with it). */
    private static void assertNamesTheUser(FriendsException thrown) {
        assertThat(thrown.getMessage()).as("""
                the message of a failed cursor must name the user whose friends were listed, as "user %d" \
                (not another number that starts with it, such as a friend's id); %s""", USER, KATA.hint(3))
                .containsPattern("user " + USER + "(?!\\d)");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CursorFailure.class)
    @Order(11)
    @Checks(16)
    @DisplayName("a cursor that fails anywhere, opening it, its first next() or the one that would find the end, is an error that names the user and keeps the cause")
    void cursorFailureNamesTheUser(CursorFailure where) {
        List<Long> ids = List.of(1001L, 1002L, 1003L);
        friends.with(USER, ids);
        switch (where) {
            case OPEN -> friends.onOpen(Reply.immediately().failing());
            case FIRST_NEXT -> friends.onNext(0, Reply.immediately().failing());
            case END_NEXT -> friends.onNext(ids.size(), Reply.immediately().failing());
        }

        Outcome<List<User>> outcome = friendsOfUser(3).awaitWithin(DEADLINE);

        FriendsException thrown = friendsException(outcome.threw(FriendsException.class), """
                the friend service failed (%s): a cursor that fails is a failed call, not the end of the \
                ids (only an empty next() ends them)""".formatted(where));
        assertNamesTheUser(thrown);
        assertThat(thrown.getCause()).as("the cause must be the very exception the friend service threw%n%s%s",
                log.timeline(), KATA.hint(3)).isSameAs(log.firstFailed().failure());
    }

    /** An unchecked exception of the friend service: where, and which kind. */
    enum CursorUnchecked {
        OPEN_RUNTIME_EXCEPTION, OPEN_ERROR, NEXT_RUNTIME_EXCEPTION, NEXT_ERROR;

        boolean onOpen() {
            return name().startsWith("OPEN");
        }

        Throwable create() {
            String where = onOpen() ? "friendIds(" + USER + ")" : "next#1";
            return name().endsWith("ERROR") ? new Error(where + " panicked: an Error (the test threw it)")
                    : new IllegalStateException(where + " has a bug: a RuntimeException (the test threw it)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CursorUnchecked.class)
    @Order(12)
    @Checks({17, 18})
    @DisplayName("the cursor's unchecked exception (a RuntimeException, an Error), opening it or in next(), fails fast too, and friendsOf throws it as it is")
    void cursorUncheckedIsThrownAsItIs(CursorUnchecked kind) {
        Throwable unchecked = kind.create();
        Gate answer = Gate.closed("next#1 answers, then the friend service throws " + kind);
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.on(1001, Reply.when(never));
        if (kind.onOpen()) {
            friends.onOpen(Reply.immediately().failingWith(() -> unchecked));
        } else {
            friends.onNext(1, Reply.when(answer).failingWith(() -> unchecked));
        }

        var call = friendsOfUser(3);
        if (!kind.onOpen()) {
            call.awaitFakeCall(log, "profile(1001)", DEADLINE);
            call.awaitFakeCall(log, "next#1", DEADLINE);
            answer.open();
        }
        Throwable thrown = call.awaitWithin(DEADLINE).threw(unchecked.getClass());

        assertThat(thrown).as("""
                what friendsOf threw when the friend service threw %s (a bug in the service, not a failed \
                read): that very exception, as it is, was expected, not wrapped in a FriendsException, not a \
                ClassCastException. Catch only ServiceException around the cursor to name the user; let the \
                rest through the group, and throw the group's cause as it is.
                %s%s""", unchecked, log.timeline(), KATA.hint(3)).isSameAs(unchecked);
        if (!kind.onOpen()) {
            assertInterrupted("profile(1001)");
        }
    }

    /** A friend service whose cursor's next(), once interrupted, ignores interrupts until the test opens {@code release}. */
    private static FriendService lingeringCursor(FriendService delegate, Gate release, AtomicInteger lingering) {
        return userId -> {
            FriendIdCursor cursor = delegate.friendIds(userId);
            return () -> {
                try {
                    return cursor.next();
                } catch (InterruptedException e) {
                    lingering.incrementAndGet();
                    while (!release.isOpen()) {
                        try {
                            release.pass(); // deaf to interrupts: the read is cancelled already
                        } catch (InterruptedException again) {
                            // still closing
                        }
                    }
                    throw e;
                }
            };
        };
    }

    /** The stage whose call ignores its interrupt for a while. */
    enum Stage {
        LOOKUP, CURSOR
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stage.class)
    @Order(13)
    @Checks({18, 20})
    @DisplayName("waits for every stage to end: a lookup or a cursor read that ignores its interrupt for a while still ends before friendsOf throws")
    void waitsForEveryStageToEnd(Stage stage) {
        Gate fail = Gate.closed("profile(1002) fails");
        Gate release = Gate.closed("the cancelled " + stage.name().toLowerCase() + " may end");
        AtomicInteger lingeringReads = new AtomicInteger();
        friends.with(USER, FakeFriendService.friendIds(5)).onNext(2, Reply.when(never));
        profiles.on(1001, Reply.when(never)).on(1002, Reply.when(fail).failing());
        var lingeringLookups = new LingeringProfileService(profiles, release);
        FriendsHandler slowToStop = stage == Stage.LOOKUP
                ? new FriendsHandler(friends, lingeringLookups, MAPPERS)
                : new FriendsHandler(lingeringCursor(friends, release, lingeringReads), profiles, MAPPERS);
        String held = stage == Stage.LOOKUP ? "profile(1001)" : "next#2";

        var call = callerStatus.watch(KATA.withHint(2).call("friendsOf(" + USER + ")", () -> slowToStop.friendsOf(USER)).showing(log));
        call.awaitFakeCall(log, "profile(1001)", DEADLINE);
        call.awaitFakeCall(log, "profile(1002)", DEADLINE);
        call.awaitFakeCall(log, "next#2", DEADLINE);
        fail.open();
        boolean lingers = call.watchFor(() -> lingeringLookups.lingering() + lingeringReads.get() > 0, DEADLINE);
        boolean returnedMeanwhile = call.watchFor(call::isDone, ErrGroupTest.WATCH.dividedBy(5));
        release.open();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(lingers).as("the failure of profile(1002) must interrupt %s (it then takes a while to stop)%n%s%s",
                held, log.timeline(), KATA.hint(2)).isTrue();
        assertThat(returnedMeanwhile).as("""
                friendsOf ended while %s, interrupted by the failure, was still stopping: the call must report \
                the failure only once every thread it started has ended (the group's await() joins them all, \
                the producer and the reducer too).
                %s%s""", held, log.timeline(), KATA.hint(2)).isFalse();
        friendsException(outcome.threw(FriendsException.class), "profile(1002) failed");
    }

    /** A friend and a profile service that remember the threads that call them. */
    private record Recording(FriendService friends, ProfileService profiles, Set<Thread> threads) {
        static Recording of(FriendService friends, ProfileService profiles) {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            FriendService f = userId -> {
                threads.add(Thread.currentThread());
                FriendIdCursor cursor = friends.friendIds(userId);
                return () -> {
                    threads.add(Thread.currentThread());
                    return cursor.next();
                };
            };
            ProfileService p = id -> {
                threads.add(Thread.currentThread());
                return profiles.profile(id);
            };
            return new Recording(f, p, threads);
        }
    }

    @Test
    @Order(14)
    @Checks({14, 20})
    @DisplayName("the producer and the mappers are tasks of the group: every read of the ids and every lookup runs on a virtual thread, never the caller's, and all those threads have ended when friendsOf returns")
    void stagesRunInTheGroup() {
        List<Long> ids = FakeFriendService.friendIds(6);
        friends.with(USER, ids);
        Recording recording = Recording.of(friends, profiles);
        FriendsHandler recorded = new FriendsHandler(recording.friends(), recording.profiles(), MAPPERS);

        var call = callerStatus.watch(KATA.withHint(1).call("friendsOf(" + USER + ")", () -> {
            List<User> result = recorded.friendsOf(USER);
            List<String> alive = recording.threads().stream().filter(Thread::isAlive).map(Thread::toString).toList();
            return alive.isEmpty() ? result : List.<User>of(new User(-1, "threads still alive at return: " + alive));
        }).showing(log));
        List<User> result = call.awaitWithin(DEADLINE).returned();

        String caller = call.thread().getName();
        assertThat(log.select(c -> !c.name().startsWith("friendIds("))).as("""
                every read of the ids and every lookup must run on a virtual thread of the group (the \
                producer's next(), the mappers' lookups), never on the caller's thread (%s): a stage on the \
                caller's thread is one the group can neither interrupt nor join.
                %s%s""", caller, log.timeline(), KATA.hint(1))
                .allSatisfy(c -> assertThat(c.onVirtualThread() && !c.threadName().equals(caller)).isTrue());
        assertThat(result).as("""
                the friends, and when friendsOf returned, every thread that had called a service (the producer, \
                the mappers) must have ended: the group's await() joins every task's thread.
                %s""", KATA.hint(1)).containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(ids));
    }

    @Test
    @Order(15)
    @Checks(26)
    @DisplayName("one handler serves many calls: after a failed call the next one works, and two calls at once each get their own friends")
    void oneHandlerManyCalls() {
        friends.with(USER, List.of(1001L, 1002L, 1003L)).with(2, List.of(2001L, 2002L))
                .with(3, List.of(3001L, 3002L, 3003L)).with(4, List.of(4001L, 4002L, 4003L, 4004L));
        Gate together = Gate.closed("profile(3001) and profile(4001), once both calls are in flight");
        profiles.on(1002, Reply.immediately().failing()).on(3001, Reply.when(together)).on(4001, Reply.when(together));

        friendsException(friendsOfUser(3).awaitWithin(DEADLINE).threw(FriendsException.class), "profile(1002) failed");
        List<User> after = callerStatus.watch(KATA.withHint(3).call("friendsOf(2) after a failed call", () -> handler.friendsOf(2))
                .showing(log)).awaitWithin(DEADLINE).returned();
        var three = callerStatus.watch(KATA.withHint(3).call("friendsOf(3), at the same time as friendsOf(4)",
                () -> handler.friendsOf(3)).showing(log));
        var four = callerStatus.watch(KATA.withHint(3).call("friendsOf(4), at the same time as friendsOf(3)",
                () -> handler.friendsOf(4)).showing(log));
        three.awaitFakeCall(log, "profile(3001)", DEADLINE);
        four.awaitFakeCall(log, "profile(4001)", DEADLINE);
        together.open();
        List<User> ofThree = three.awaitWithin(DEADLINE).returned();
        List<User> ofFour = four.awaitWithin(DEADLINE).returned();

        String why = """
                one handler serves every call, one after another and at once: each call must have its own \
                group, its own queues and its own list (a group kept in a field is cancelled for good by the \
                first call; queues or a list kept in a field mix two calls' friends).
                %s%s""".formatted(log.timeline(), KATA.hint(3));
        assertThat(after).as("friendsOf(2), after friendsOf(1) failed on the same handler; " + why)
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(List.of(2001L, 2002L)));
        assertThat(ofThree).as("friendsOf(3), while friendsOf(4) ran on the same handler; " + why)
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(List.of(3001L, 3002L, 3003L)));
        assertThat(ofFour).as("friendsOf(4), while friendsOf(3) ran on the same handler; " + why)
                .containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(List.of(4001L, 4002L, 4003L, 4004L)));
    }

    @Test
    @Order(16)
    @Checks({19, 27})
    @DisplayName("friendsOf interrupts its own threads, never its caller: the caller's interrupt status is clear after a list, a failure, and an interrupt (also one that came before the call)")
    void neverLeavesTheCallerInterrupted() {
        friends.with(USER, List.of(1001L, 1002L)).with(2, List.of(2001L, 2002L))
                .with(3, List.of(3001L, 3002L)).with(4, List.of(4001L, 4002L));
        Gate fail = Gate.closed("profile(2002) fails");
        profiles.on(2001, Reply.when(never)).on(2002, Reply.when(fail).failing())
                .on(3001, Reply.when(never)).on(3002, Reply.when(never))
                .on(4001, Reply.when(never)).on(4002, Reply.when(never));

        Outcome<List<User>> success = friendsOfUser(2).awaitWithin(DEADLINE);
        var failing = callerStatus.watch(KATA.withHint(2).call("friendsOf(2), whose lookup fails", () -> handler.friendsOf(2)).showing(log));
        failing.awaitFakeCall(log, "profile(2001)", DEADLINE);
        failing.awaitFakeCall(log, "profile(2002)", DEADLINE);
        fail.open();
        Outcome<List<User>> failure = failing.awaitWithin(DEADLINE);
        var waiting = callerStatus.watch(KATA.withHint(2).call("friendsOf(3), interrupted while it waits", () -> handler.friendsOf(3)).showing(log));
        waiting.awaitFakeCall(log, "profile(3001)", DEADLINE);
        waiting.awaitFakeCall(log, "profile(3002)", DEADLINE);
        waiting.interrupt();
        Outcome<List<User>> interrupted = waiting.awaitWithin(DEADLINE);
        Outcome<List<User>> interruptedBefore = callerStatus.watch(KATA.withHint(2).call("friendsOf(4) of a thread interrupted before it called", () -> {
            Thread.currentThread().interrupt(); // the request was cancelled before the handler ran
            return handler.friendsOf(4);
        }).showing(log)).awaitWithin(DEADLINE);

        assertThat(success.returned()).containsExactlyInAnyOrderElementsOf(FakeProfileService.usersFor(List.of(1001L, 1002L)));
        friendsException(failure.threw(FriendsException.class), "profile(2002) failed");
        assertThat(interrupted.threw(InterruptedException.class)).as("an interrupted caller gets InterruptedException; %s",
                KATA.hint(2)).isInstanceOf(InterruptedException.class);
        assertThat(interruptedBefore.threw(InterruptedException.class)).as("""
                a caller interrupted before it called friendsOf (the lookups of user 4 never answer): it must get \
                InterruptedException once the calls it started were interrupted; %s""", KATA.hint(2))
                .isInstanceOf(InterruptedException.class);
        for (Outcome<List<User>> o : List.of(success, failure, interrupted, interruptedBefore)) {
            assertThat(o.interruptFlagLeft()).as("""
                    %s ended (%s) with its caller's interrupt status set. friendsOf interrupts the threads it \
                    started, never its caller; when it throws InterruptedException the status is clear (do not \
                    "restore" it with Thread.currentThread().interrupt() before you throw).
                    %s%s""", o.description(), o.thrown() == null ? "returned" : "threw " + o.thrown(), log.timeline(),
                    KATA.hint(2)).isFalse();
        }
    }

    @Test
    @Order(17)
    @Checks({18, 20})
    @DisplayName("the producer waiting to hand an id over stops too: the failure ends it, and friendsOf ends")
    void producerHeldInItsHandOverStops() {
        // The mappers all hold a lookup; the producer has read a 4th id and, with a hand-over that
        // holds nothing (a SynchronousQueue), can only wait to hand it over. Whichever queue it
        // uses, the failure's interrupt must end it: a producer that catches the interrupt of its
        // put() and carries on waits for ever for mappers that have stopped.
        Gate fail = Gate.closed("profile(1001) fails");
        friends.with(USER, FakeFriendService.friendIds(6));
        profiles.byDefault(Reply.when(never)).on(1001, Reply.when(fail).failing());

        var call = friendsOfUser(2);
        for (long id = 1001; id < 1001 + MAPPERS; id++) {
            call.awaitFakeCall(log, "profile(" + id + ")", DEADLINE);
        }
        Call fourth = call.awaitFakeCall(log, "next#" + MAPPERS, DEADLINE);
        boolean read = call.watchFor(() -> fourth.outcome() == Call.Outcome.RETURNED, DEADLINE);
        assertThat(read).as("the producer's read of the 4th id (next#%d) returns at once%n%s", MAPPERS, log.timeline()).isTrue();
        fail.open();
        friendsException(call.awaitWithin(DEADLINE).threw(FriendsException.class), "profile(1001) failed");

        assertThatCalls(log).withHint(KATA.hint(2)).hasNothingInFlight();
        assertInterrupted("profile(1002)", "profile(1003)");
    }
}
