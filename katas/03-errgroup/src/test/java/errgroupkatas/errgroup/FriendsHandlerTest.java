package errgroupkatas.errgroup;

import static errgroupkatas.errgroup.ErrGroupTest.DEADLINE;
import static errgroupkatas.errgroup.ErrGroupTest.KATA;
import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import errgroupkatas.story.FriendsException;
import errgroupkatas.story.User;
import errgroupkatas.support.Call;
import errgroupkatas.support.Checks;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.FakeFriendService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall;
import errgroupkatas.support.Reply;
import java.util.List;
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

    final CallLog log = new CallLog();
    final FakeFriendService friends = new FakeFriendService(log);
    final FakeProfileService profiles = new FakeProfileService(log);
    final FriendsHandler handler = new FriendsHandler(friends, profiles, MAPPERS);
    final Gate never = Gate.closed("never (the test never opens it)");

    /** Starts friendsOf(USER); its failures cite {@code hint}, the one that helps with the test. */
    private KataCall<List<User>> friendsOfUser(int hint) {
        return KATA.withHint(hint).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER)).showing(log);
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
        List<User> result = KATA.withHint(3).call("friendsOf(" + USER + ") with 1 mapper", () -> oneMapper.friendsOf(USER)).showing(log).awaitWithin(DEADLINE).returned();

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
}
