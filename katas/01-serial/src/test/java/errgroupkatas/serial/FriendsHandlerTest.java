package errgroupkatas.serial;

import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;

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
import errgroupkatas.support.KataCall;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.Reply;
import java.time.Duration;
import java.util.List;
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

/** Kata 01's rules, easiest first. Read them top to bottom; make them green one by one. */
@DisplayName("Kata 01 — the serial friends handler")
class FriendsHandlerTest {
    static final Kata KATA = new Kata("01-serial", "errgroupkatas.serial");
    /** Generous: a correct handler needs a few milliseconds here. */
    static final Duration DEADLINE = Duration.ofSeconds(2);

    /** The second user of the tests that call one handler for two users. */
    static final long OTHER_USER = 2;

    private final List<Gate> gates = new CopyOnWriteArrayList<>();

    /**
     * Opens every gate after the leak check (extensions registered first run their after-each
     * last): a call a wrong handler made again after an interrupt is reported, then let go.
     */
    @RegisterExtension
    @Order(1)
    final AfterEachCallback openGatesLast = context -> gates.forEach(Gate::open);

    @RegisterExtension
    @Order(2)
    final Kata.NoLeaks noLeaks = KATA.noLeaks(3);

    /** Every watched call also fails its test if it leaves its caller's interrupt status set, whatever the outcome. */
    @RegisterExtension
    @Order(3)
    final Kata.CallerStatus callerStatus = KATA.callerStatus(2);

    final CallLog log = new CallLog();
    final FakeFriendService friends = new FakeFriendService(log);
    final FakeProfileService profiles = new FakeProfileService(log);
    final FriendsHandler handler = new FriendsHandler(friends, profiles);

    private Gate gate(String name) {
        Gate gate = Gate.closed(name);
        gates.add(gate);
        return gate;
    }

    /** Starts friendsOf(user) on its own thread; a failure cites {@code hint}, the one that helps with the test. */
    private KataCall<List<User>> friendsOf(long user, int hint) {
        return callerStatus.watch(KATA.withHint(hint).call("friendsOf(" + user + ")", () -> handler.friendsOf(user))
                .showing(log));
    }

    /** Calls friendsOf(USER) and waits for it; a failure cites {@code hint}, the one that helps with the test. */
    private Outcome<List<User>> friendsOfUser(int hint) {
        return friendsOf(USER, hint).awaitWithin(DEADLINE);
    }

    /**
     * Asserts that {@code thrown}'s message names {@code what} ({@code "user 1"}, {@code "friend 1002"})
     * as a whole: {@code "user 1001"} contains {@code "user 1"} but names another id.
     */
    private static void assertNames(Throwable thrown, String what, String context, int hint) {
        assertThat(thrown.getMessage()).as("""
                the message of what friendsOf threw when %s: it must name "%s" (and not a longer id that \
                starts with the same digits)%n%s""", context, what, KATA.hint(hint))
                .containsPattern(Pattern.quote(what) + "(?![0-9])");
    }

    @Test
    @Order(1)
    @DisplayName("returns every friend's profile, in the order the ids arrive")
    @Checks(1)
    void returnsEveryFriend() {
        List<Long> ids = List.of(1003L, 1001L, 1002L);
        friends.with(USER, ids);

        List<User> result = friendsOfUser(1).returned();

        assertThat(result).as("the friends of user %d, in the order their ids arrived%n%s", USER, log.timeline())
                .containsExactlyElementsOf(FakeProfileService.usersFor(ids));
        assertThatCalls(log).hasCalls("profile(", 3);
    }

    @Test
    @Order(2)
    @DisplayName("a user without friends gets an empty list")
    @Checks(1)
    void noFriends() {
        friends.with(USER, List.of());

        assertThat(friendsOfUser(1).returned()).as("friends of a user who has none").isEmpty();
        assertThatCalls(log).hasCalls("profile(", 0);
    }

    @Test
    @Order(3)
    @DisplayName("a failed profile lookup is an error that names the friend and keeps the cause")
    @Checks(3)
    void failedLookupNamesTheFriend() {
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.on(1002, Reply.immediately().failing());

        Throwable thrown = friendsOfUser(2).threw(FriendsException.class);

        assertThat(thrown).as("what friendsOf threw when profile(1002) failed; %s", KATA.hint(2))
                .isInstanceOf(FriendsException.class)
                .hasMessageContaining("friend 1002");
        assertNames(thrown, "friend 1002", "profile(1002) failed", 2);
        Call failed = log.firstFailed();
        assertThat(thrown.getCause())
                .as("the cause must be the very exception the profile service threw, so the caller can inspect it")
                .isSameAs(failed.failure());
    }

    @Test
    @Order(4)
    @DisplayName("a failed friend-id cursor is an error that names the user and keeps the cause")
    @Checks(4)
    void failedCursorNamesTheUser() {
        friends.with(USER, List.of(1001L, 1002L, 1003L)).onNext(1, Reply.immediately().failing());

        Throwable thrown = friendsOfUser(2).threw(FriendsException.class);

        assertThat(thrown).as("what friendsOf threw when the cursor's second next() failed; %s", KATA.hint(2))
                .isInstanceOf(FriendsException.class)
                .hasMessageContaining("user " + USER);
        assertNames(thrown, "user " + USER, "the cursor's second next() failed", 2);
        Call failed = log.firstFailed();
        assertThat(thrown.getCause()).as("the cause must be the very exception the friend service threw")
                .isSameAs(failed.failure());
    }

    @Test
    @Order(5)
    @DisplayName("opening the cursor can fail too: the same error, naming the user")
    @Checks(4)
    void failedOpenNamesTheUser() {
        friends.with(USER, List.of(1001L)).onOpen(Reply.immediately().failing());

        Throwable thrown = friendsOfUser(2).threw(FriendsException.class);

        assertThat(thrown).as("what friendsOf threw when friendIds(%d) failed; %s", USER, KATA.hint(2))
                .isInstanceOf(FriendsException.class)
                .hasMessageContaining("user " + USER)
                .cause().isSameAs(log.firstFailed().failure());
        assertNames(thrown, "user " + USER, "friendIds(" + USER + ") failed", 2);
    }

    @Test
    @Order(6)
    @DisplayName("no call is made after the first failure")
    @Checks(5)
    void stopsAtTheFirstFailure() {
        friends.with(USER, List.of(1001L, 1002L, 1003L, 1004L));
        profiles.on(1002, Reply.immediately().failing());

        assertThat(friendsOfUser(3).threw(FriendsException.class)).as("what friendsOf threw when profile(1002) failed")
                .isInstanceOf(FriendsException.class);

        assertThatCalls(log).withHint(KATA.hint(3))
                .hasNoCallStartedAfterEnd(log.firstFailed())
                .hasCalls("profile(", 2);
    }

    @Test
    @Order(7)
    @DisplayName("calls are made one at a time, on the caller's own thread")
    @Checks(2)
    void oneCallAtATime() {
        friends.with(USER, FakeFriendService.friendIds(5));
        profiles.byDefault(Reply.after(Duration.ofMillis(20)));

        var call = friendsOf(USER, 3);
        call.awaitWithin(DEADLINE).returned();

        assertThatCalls(log).withHint(KATA.hint(3)).neverExceededConcurrency(1);
        assertThat(log.calls()).as("every call must run on the caller's thread %s%n%s", call.thread().getName(),
                        log.timeline())
                .allSatisfy(c -> assertThat(c.threadName()).isEqualTo(call.thread().getName()));
    }

    @Test
    @Order(8)
    @DisplayName("an interrupted caller gets InterruptedException at once, and no further call is made")
    @Checks({6, 9})
    void interruptStopsTheWork() {
        Gate never = gate("profile(1002) never answers");
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.on(1002, Reply.when(never));

        var call = friendsOf(USER, 2);
        Call blocked = call.awaitFakeCall(log, "profile(1002)", DEADLINE);
        call.interrupt();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(blocked.interrupted()).as("profile(1002) should have seen the interrupt").isTrue();
        assertThat(outcome.threw(InterruptedException.class))
                .as("an interrupt must reach the caller as InterruptedException, not wrapped, not swallowed; %s",
                        KATA.hint(2))
                .isInstanceOf(InterruptedException.class);
        assertThatCalls(log).withHint(KATA.hint(2)).hasNoCallStartedAfterEnd(blocked);
    }

    @Test
    @Order(9)
    @DisplayName("looks each id up as it arrives: an id, its profile, then the next id")
    @Checks(7)
    void looksEachIdUpAsItArrives() {
        friends.with(USER, List.of(1003L, 1001L, 1002L));

        friendsOfUser(1).returned();

        List<String> expected = List.of("friendIds(" + USER + ")", "next#0", "profile(1003)", "next#1",
                "profile(1001)", "next#2", "profile(1002)", "next#3");
        List<String> made = log.calls().stream().map(Call::name).toList();
        assertThat(made.subList(0, Math.min(made.size(), expected.size()))).as("""
                The calls friendsOf made, in order: each id must be looked up as it arrives, before the next id \
                is read (read an id, look it up, read the next). Reading every id first keeps the first profile \
                waiting for the whole stream; kata 02 overlaps exactly that time.
                %s%s""", log.timeline(), KATA.hint(3)).containsExactlyElementsOf(expected);
    }

    @Test
    @Order(10)
    @DisplayName("two friends who share a name are still two friends: one profile per id")
    @Checks(1)
    void friendsWhoShareAName() {
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        ProfileService namesakes = id -> new User(profiles.profile(id).id(), "Alex");
        FriendsHandler alexes = new FriendsHandler(friends, namesakes);

        List<User> result = callerStatus.watch(KATA.withHint(1).call("friendsOf(" + USER + ")",
                () -> alexes.friendsOf(USER)).showing(log)).awaitWithin(DEADLINE).returned();

        assertThat(result).as("""
                the friends of user %d, three friends all named "Alex": one profile per id, in the order the ids \
                arrived, was expected. A map keyed by name (as the Go original builds) keeps one Alex and loses \
                the others; return a List.
                %s%s""", USER, log.timeline(), KATA.hint(1))
                .containsExactly(new User(1001, "Alex"), new User(1002, "Alex"), new User(1003, "Alex"));
    }

    /** The service call a test makes fail, for friends 1001, 1002, 1003. */
    enum Stage {
        OPEN("friendIds(" + USER + ")", "user " + USER),
        NEXT("next#1", "user " + USER),
        LOOKUP("profile(1002)", "friend 1002");

        final String call;
        /** What a FriendsException for this stage's failure names. */
        final String names;

        Stage(String call, String names) {
            this.call = call;
            this.names = names;
        }

        /** Makes this stage's call play {@code reply}. */
        void script(FakeFriendService friends, FakeProfileService profiles, Reply reply) {
            switch (this) {
                case OPEN -> friends.onOpen(reply);
                case NEXT -> friends.onNext(1, reply);
                case LOOKUP -> profiles.on(1002, reply);
            }
        }

        @Override
        public String toString() {
            return call;
        }
    }

    /** How a service call fails: the checked exception it declares, a bug (a RuntimeException), Go's panic (an Error). */
    enum Failure {
        SERVICE_EXCEPTION, RUNTIME_EXCEPTION, ERROR;

        Throwable create(Stage stage) {
            return switch (this) {
                case SERVICE_EXCEPTION -> new ServiceException(stage.call + " failed (the test made it fail)");
                case RUNTIME_EXCEPTION -> new IllegalStateException(stage.call + " has a bug: a RuntimeException"
                        + " (the test threw it)");
                case ERROR -> new Error(stage.call + " panicked: an Error (the test threw it)");
            };
        }
    }

    static Stream<Arguments> everyStageAndFailure() {
        return Stream.of(Stage.values()).flatMap(s -> Stream.of(Failure.values()).map(f -> Arguments.of(s, f)));
    }

    @ParameterizedTest(name = "{0} throws {1}")
    @MethodSource("everyStageAndFailure")
    @Order(11)
    @DisplayName("every service call's failure, checked or not (a RuntimeException, an Error), reaches the caller, and no call is made after it")
    @Checks({3, 4, 5, 8})
    void everyFailureEndsTheWork(Stage stage, Failure kind) {
        Throwable failure = kind.create(stage);
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        stage.script(friends, profiles, Reply.immediately().failingWith(() -> failure));

        Throwable thrown = friendsOfUser(2).threw(kind == Failure.SERVICE_EXCEPTION ? FriendsException.class
                : failure.getClass());

        String context = stage.call + " threw " + failure;
        if (kind == Failure.SERVICE_EXCEPTION) {
            assertThat(thrown).as("what friendsOf threw when %s%n%s%s", context, log.timeline(), KATA.hint(2))
                    .isInstanceOf(FriendsException.class).cause().isSameAs(failure);
            assertNames(thrown, stage.names, context, 2);
        } else {
            assertThat(thrown == failure || thrown instanceof FriendsException && thrown.getCause() == failure)
                    .as("""
                            friendsOf threw %s when %s: that very exception was expected, thrown as it is or as the \
                            cause of a FriendsException. An unchecked exception is a failure too (a bug in the \
                            service, or Go's panic): do not catch it and carry on, do not replace it.
                            %s%s""", thrown, context, log.timeline(), KATA.hint(2)).isTrue();
        }
        // The first failure ends the work: no lookup after it, and no next() either (not even a retry).
        assertThatCalls(log).withHint(KATA.hint(3)).hasNoCallStartedAfterEnd(log.firstFailed());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"OPEN", "NEXT"})
    @Order(12)
    @DisplayName("an interrupt while the ids are read (opening the cursor, or a next()) reaches the caller as InterruptedException too, and no call is made after it")
    @Checks({6, 9})
    void interruptWhileReadingTheIds(Stage stage) {
        Gate never = gate(stage.call + " never answers");
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        stage.script(friends, profiles, Reply.when(never));

        var call = friendsOf(USER, 2);
        Call blocked = call.awaitFakeCall(log, stage.call, DEADLINE);
        call.interrupt();
        Outcome<List<User>> outcome = call.awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller was interrupted in %s: the InterruptedException itself, not \
                wrapped (it is not a failure of the friend service), not taken for the end of the ids.
                %s%s""", stage.call, log.timeline(), KATA.hint(2)).isInstanceOf(InterruptedException.class);
        assertThat(blocked.interrupted()).as("%s should have seen the interrupt%n%s", stage.call, log.timeline())
                .isTrue();
        assertThatCalls(log).withHint(KATA.hint(2)).hasNoCallStartedAfterEnd(blocked);
    }

    @Test
    @Order(13)
    @DisplayName("a caller interrupted before it calls gets InterruptedException, and no profile is looked up")
    @Checks({6, 9})
    void interruptedBeforeTheCall() {
        friends.with(USER, List.of(1001L, 1002L, 1003L));

        Outcome<List<User>> outcome = callerStatus.watch(KATA.withHint(2).call("friendsOf(" + USER + ") by a caller"
                + " already interrupted", () -> {
                    Thread.currentThread().interrupt();
                    return handler.friendsOf(USER);
                }).showing(log)).awaitWithin(DEADLINE);

        assertThat(outcome.threw(InterruptedException.class)).as("""
                what friendsOf threw when its caller had been interrupted before the call: the first blocking \
                call throws InterruptedException at once, and it must reach the caller as it is.
                %s%s""", log.timeline(), KATA.hint(2)).isInstanceOf(InterruptedException.class);
        assertThat(log.calls()).as("""
                the calls friendsOf made for an interrupted caller: at most the one that threw \
                InterruptedException, and no profile lookup.
                %s%s""", log.timeline(), KATA.hint(2)).hasSizeLessThanOrEqualTo(1)
                .noneMatch(c -> c.name().startsWith("profile("));
    }

    @Test
    @Order(14)
    @DisplayName("a handler can be called again: the second call returns only its own user's friends")
    @Checks(10)
    void callableAgain() {
        List<Long> first = List.of(1001L, 1002L);
        List<Long> second = List.of(2001L, 2002L, 2003L);
        friends.with(USER, first).with(OTHER_USER, second);

        assertThat(friendsOf(USER, 1).awaitWithin(DEADLINE).returned()).as("the first call, for user %d", USER)
                .containsExactlyElementsOf(FakeProfileService.usersFor(first));
        List<User> again = friendsOf(OTHER_USER, 1).awaitWithin(DEADLINE).returned();

        assertThat(again).as("""
                the second call on the same handler, for user %d: only that user's friends were expected. A \
                handler keeps nothing between calls: a list (or anything else) kept in a field carries one \
                call's friends into the next.
                %s%s""", OTHER_USER, log.timeline(), KATA.hint(1)).containsExactlyElementsOf(
                FakeProfileService.usersFor(second));
    }

    @Test
    @Order(15)
    @DisplayName("a handler can be called by two threads at once: each call returns only its own user's friends")
    @Checks(10)
    void twoCallsAtOnce() {
        Gate both = gate("the first lookup of each call");
        List<Long> first = List.of(1001L, 1002L);
        List<Long> second = List.of(2001L, 2002L, 2003L);
        friends.with(USER, first).with(OTHER_USER, second);
        profiles.on(1001, Reply.when(both)).on(2001, Reply.when(both));

        var one = friendsOf(USER, 1);
        var other = friendsOf(OTHER_USER, 1);
        try {
            one.awaitFakeCall(log, "profile(1001)", DEADLINE);
            other.awaitFakeCall(log, "profile(2001)", DEADLINE);
        } finally {
            both.open();
        }

        assertThat(one.awaitWithin(DEADLINE).returned()).as("""
                friendsOf(%d), called while friendsOf(%d) ran on another thread on the same handler: only user \
                %d's friends were expected. A handler keeps nothing between calls, so two calls at once cannot \
                see each other's friends: keep the list in a local variable.
                %s%s""", USER, OTHER_USER, USER, log.timeline(), KATA.hint(1))
                .containsExactlyElementsOf(FakeProfileService.usersFor(first));
        assertThat(other.awaitWithin(DEADLINE).returned()).as("friendsOf(%d), called at the same time as"
                + " friendsOf(%d) on the same handler%n%s%s", OTHER_USER, USER, log.timeline(), KATA.hint(1))
                .containsExactlyElementsOf(FakeProfileService.usersFor(second));
    }
}
