package errgroupkatas.serial;

import static errgroupkatas.support.CallLogAssert.assertThatCalls;
import static errgroupkatas.support.Story.USER;
import static org.assertj.core.api.Assertions.assertThat;

import errgroupkatas.story.FriendsException;
import errgroupkatas.story.User;
import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.Checks;
import errgroupkatas.support.FakeFriendService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Gate;
import errgroupkatas.support.Kata;
import errgroupkatas.support.KataCall.Outcome;
import errgroupkatas.support.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kata 01's rules, easiest first. Read them top to bottom; make them green one by one. */
@DisplayName("Kata 01 — the serial friends handler")
class FriendsHandlerTest {
    static final Kata KATA = new Kata("01-serial", "errgroupkatas.serial");
    /** Generous: a correct handler needs a few milliseconds here. */
    static final Duration DEADLINE = Duration.ofSeconds(2);

    @RegisterExtension
    final Kata.NoLeaks noLeaks = KATA.noLeaks(3);

    final CallLog log = new CallLog();
    final FakeFriendService friends = new FakeFriendService(log);
    final FakeProfileService profiles = new FakeProfileService(log);
    final FriendsHandler handler = new FriendsHandler(friends, profiles);

    /** Calls friendsOf(USER) and waits for it; a failure cites {@code hint}, the one that helps with the test. */
    private Outcome<List<User>> friendsOfUser(int hint) {
        return KATA.withHint(hint).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER)).showing(log)
                .awaitWithin(DEADLINE);
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

        var call = KATA.withHint(3).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER)).showing(log);
        call.awaitWithin(DEADLINE).returned();

        assertThatCalls(log).withHint(KATA.hint(3)).neverExceededConcurrency(1);
        assertThat(log.calls()).as("every call must run on the caller's thread %s%n%s", call.thread().getName(),
                        log.timeline())
                .allSatisfy(c -> assertThat(c.threadName()).isEqualTo(call.thread().getName()));
    }

    @Test
    @Order(8)
    @DisplayName("an interrupted caller gets InterruptedException at once, and no further call is made")
    @Checks(6)
    void interruptStopsTheWork() {
        Gate never = Gate.closed("profile(1002) never answers");
        friends.with(USER, List.of(1001L, 1002L, 1003L));
        profiles.on(1002, Reply.when(never));

        var call = KATA.withHint(2).call("friendsOf(" + USER + ")", () -> handler.friendsOf(USER)).showing(log);
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
}
