package errgroupkatas.timelines;

import errgroupkatas.story.FriendsException;
import errgroupkatas.support.Call;
import errgroupkatas.support.CallLog;
import errgroupkatas.support.FakeFriendService;
import errgroupkatas.support.FakeOrderService;
import errgroupkatas.support.FakeProfileService;
import errgroupkatas.support.Reply;
import errgroupkatas.support.Story;
import errgroupkatas.support.SvgTimeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Draws {@code katas/NN-name/timeline.svg} for every kata: its reference solution runs one scenario
 * on the story's numbers (friend ids {@value #ID_MS} ms apart, lookups {@value #LOOKUP_MS} ms, real
 * sleeps in the fakes), and {@link SvgTimeline} draws the calls it made, snapped to
 * {@value #STEP_MS} ms steps so that a rerun draws the same picture. Each scenario first checks
 * that the run did what its picture says (how many calls failed, were interrupted, ran at once);
 * a run that did not fails the whole command instead of drawing a wrong lesson. A run that a
 * busy machine disturbed (a sleep that overslept by half a step, a thread that started late) is
 * run again, up to {@value #ATTEMPTS} times; see {@link #disturbance}.
 *
 * <p>Usage (maintainers): {@code mvn -q -Psolutions,timelines -pl timelines -am verify -DskipTests}, which runs
 * {@code KataTimelines <repository root> solutions}. A picture whose content did not change is
 * not rewritten.
 */
public final class KataTimelines {
    static final long ID_MS = 10;
    static final long LOOKUP_MS = 100;
    static final long STEP_MS = 10;
    static final String COMMAND = "mvn -q -Psolutions,timelines -pl timelines -am verify -DskipTests";

    /** How many times a scenario runs at most before the machine is declared too busy. */
    static final int ATTEMPTS = 20;

    /**
     * One kata's picture: its folder under katas/, the run that draws it, and when that run ends
     * on the story's numbers (the lesson's number: "serial ≈ 560 ms").
     */
    record Picture(String kata, long endsAtMs, Scenario scenario) {
    }

    /** Runs a reference solution with fresh fakes over {@code log}, checks it, returns the picture. */
    @FunctionalInterface
    interface Scenario {
        SvgTimeline run(CallLog log) throws Exception;
    }

    static final List<Picture> PICTURES = List.of(
            new Picture("01-serial", 5 * (ID_MS + LOOKUP_MS) + ID_MS, KataTimelines::serial),
            new Picture("02-naive-parallel", 8 * ID_MS + LOOKUP_MS, KataTimelines::parallel),
            new Picture("03-errgroup", 80, KataTimelines::failFast),
            new Picture("04-select", 3 * ID_MS + LOOKUP_MS, KataTimelines::earlyStop),
            new Picture("05-bounded", 3 * LOOKUP_MS, KataTimelines::bounded),
            new Picture("06-dashboard", 200, KataTimelines::deadline));

    private KataTimelines() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KataTimelines <repository root> <solutions|stubs>");
        }
        if (!"solutions".equals(args[1])) {
            System.err.println("timelines: the kata jars hold the learners' stubs, which draw nothing."
                    + " Build them from the reference solutions:\n  " + COMMAND);
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        for (Picture p : PICTURES) {
            Path file = root.resolve("katas").resolve(p.kata()).resolve("timeline.svg");
            if (!Files.isDirectory(file.getParent())) {
                throw new IllegalStateException("no kata folder " + file.getParent());
            }
            String svg = header() + cleanRun(p).render();
            boolean same = Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(svg);
            if (!same) {
                Files.writeString(file, svg, StandardCharsets.UTF_8);
            }
            System.out.println("timelines: " + root.relativize(file) + (same ? " unchanged" : " written"));
        }
    }

    /**
     * Runs the picture's scenario until one run is undisturbed (see {@link #disturbance}), at most
     * {@value #ATTEMPTS} times: a busy machine oversleeps or starts threads late, and a picture of
     * that would teach the wrong numbers and change at every regeneration.
     */
    static SvgTimeline cleanRun(Picture p) {
        List<String> disturbances = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            SvgTimeline picture;
            try {
                picture = p.scenario().run(new CallLog()).snappedTo(Duration.ofMillis(STEP_MS));
            } catch (Exception | AssertionError e) {
                throw new IllegalStateException("timelines: the run for " + p.kata() + " failed: " + e, e);
            }
            String disturbance = disturbance(picture.bars(), p.endsAtMs());
            if (disturbance == null) {
                return picture;
            }
            disturbances.add(disturbance);
            System.out.println("timelines: " + p.kata() + ": run " + attempt + " was disturbed (" + disturbance
                    + "); running it again");
        }
        throw new IllegalStateException("timelines: " + p.kata() + ": no undisturbed run in " + ATTEMPTS
                + " attempts; the machine is too busy for a clean picture (try again when it is quieter): "
                + disturbances);
    }

    /**
     * What makes a run's snapped bars differ from the story, or null if nothing: every call that
     * returned took its fake's latency, every call started at 0 or when another call ended (no
     * thread started late), and the last call ended at {@code endsAtMs}.
     */
    static String disturbance(List<SvgTimeline.Bar> bars, long endsAtMs) {
        Set<Duration> ends = new HashSet<>();
        Duration last = Duration.ZERO;
        for (SvgTimeline.Bar b : bars) {
            ends.add(b.end());
            last = last.compareTo(b.end()) < 0 ? b.end() : last;
        }
        for (SvgTimeline.Bar b : bars) {
            String name = b.call().name();
            Long latency = name.startsWith("next#") ? Long.valueOf(ID_MS)
                    : name.startsWith("profile(") ? Long.valueOf(LOOKUP_MS)
                    : name.startsWith("friendIds(") ? Long.valueOf(0) : null;
            if (b.call().outcome() == Call.Outcome.RETURNED && latency != null && b.length().toMillis() != latency) {
                return name + " took " + b.length().toMillis() + " ms, not " + latency + " ms";
            }
            if (!b.start().isZero() && !ends.contains(b.start())) {
                return name + " started at " + b.start().toMillis() + " ms, when no other call ended";
            }
        }
        if (last.toMillis() != endsAtMs) {
            return "the last call ended at " + last.toMillis() + " ms, not " + endsAtMs + " ms";
        }
        return null;
    }

    private static String header() {
        // The learners' export keeps the pictures: name no maintainer command here.
        return "<!-- Drawn from a run of the kata's reference solution by the maintainers' timeline tool;"
                + " do not edit by hand. -->\n";
    }

    // ---------------------------------------------------------------------------------------------
    // The scenarios.

    static FakeFriendService friends(CallLog log, int count) {
        return new FakeFriendService(log).with(Story.USER, FakeFriendService.friendIds(count))
                .eachNext(Reply.after(Story.ID_INTERVAL));
    }

    static FakeProfileService profiles(CallLog log) {
        return new FakeProfileService(log).byDefault(Reply.after(Story.LOOKUP_LATENCY));
    }

    static SvgTimeline serial(CallLog log) throws Exception {
        int n = 5;
        var handler = new errgroupkatas.serial.FriendsHandler(friends(log, n), profiles(log));
        check(handler.friendsOf(Story.USER).size() == n, "the handler returned every friend", log);
        check(log.maxInFlight() == 1, "one call at a time", log);
        return SvgTimeline.of(log)
                .titled("Kata 01 — serial: one call at a time, on the caller's thread")
                .withNote("each friend costs an id (" + ID_MS + " ms) and then a lookup (" + LOOKUP_MS
                        + " ms), one after the other:")
                .withNote("serial: " + n + " × " + (ID_MS + LOOKUP_MS) + " ms + " + ID_MS
                        + " ms to find the end of the ids ≈ "
                        + (n * (ID_MS + LOOKUP_MS) + ID_MS) + " ms");
    }

    static SvgTimeline parallel(CallLog log) throws Exception {
        int n = 8;
        var handler = new errgroupkatas.naive.FriendsHandler(friends(log, n), profiles(log), Story.MAPPERS);
        check(handler.friendsOf(Story.USER).size() == n, "the handler returned every friend", log);
        check(log.maxInFlight("profile(") == n, "all " + n + " lookups in flight at once", log);
        return SvgTimeline.of(log)
                .titled("Kata 02 — naive parallel: a producer, " + Story.MAPPERS + " mappers, a reducer")
                .withNote("each lookup starts as soon as its id arrives; the lookups overlap:")
                .withNote("parallel: " + n + " ids × " + ID_MS + " ms + the last lookup's " + LOOKUP_MS + " ms ≈ "
                        + (n * ID_MS + LOOKUP_MS) + " ms  (serial: " + n + " × " + (ID_MS + LOOKUP_MS) + " ms = "
                        + n * (ID_MS + LOOKUP_MS) + " ms)");
    }

    static SvgTimeline failFast(CallLog log) throws Exception {
        int n = 5;
        long failing = 1003;
        long failAfter = 50;
        var profiles = profiles(log).on(failing, Reply.after(Duration.ofMillis(failAfter)).failing());
        var handler = new errgroupkatas.errgroup.FriendsHandler(friends(log, n), profiles, Story.MAPPERS);
        try {
            handler.friendsOf(Story.USER);
            check(false, "the handler threw the lookup's failure", log);
        } catch (FriendsException expected) {
            check(expected.getMessage().contains("friend " + failing), "the error names friend " + failing, log);
        }
        check(log.failed().size() == 1, "one lookup failed", log);
        check(log.interrupted().size() == n - 1, "the " + (n - 1) + " other lookups were interrupted", log);
        long failsAt = (failing - 1000) * ID_MS + failAfter;
        return SvgTimeline.of(log)
                .titled("Kata 03 — errgroup: fail fast")
                .withNote("profile(" + failing + ") fails at t = " + failsAt + " ms; the group interrupts the "
                        + (n - 1) + " lookups still in flight at once,")
                .withNote("fail-fast: the call ends at ≈ " + failsAt + " ms, not at " + (n * ID_MS + LOOKUP_MS)
                        + " ms when the last lookup would have answered")
                .withMarker(Duration.ofMillis(failsAt), "first failure");
    }

    static SvgTimeline earlyStop(CallLog log) throws Exception {
        int n = 8;
        int wanted = 3;
        var pipeline = new errgroupkatas.select.FriendsPipeline(friends(log, n), profiles(log), Story.MAPPERS);
        check(pipeline.firstFriends(Story.USER, wanted, Duration.ofSeconds(5)).size() == wanted,
                "the pipeline returned " + wanted + " friends", log);
        check(log.interrupted().size() == n - wanted, "the " + (n - wanted) + " other lookups were interrupted", log);
        long stopsAt = wanted * ID_MS + LOOKUP_MS;
        return SvgTimeline.of(log)
                .titled("Kata 04 — select: an early stop cancels every stage")
                .withNote("firstFriends(user, " + wanted + "): the consumer has " + wanted + " profiles at t = "
                        + stopsAt + " ms and stops;")
                .withNote("the pipeline interrupts the " + (n - wanted)
                        + " lookups still in flight and waits for every stage: no thread is left behind")
                .withMarker(Duration.ofMillis(stopsAt), "enough: stop");
    }

    static SvgTimeline bounded(CallLog log) throws Exception {
        int n = 8;
        int limit = 3;
        var profiles = profiles(log);
        var group = new errgroupkatas.bounded.LimitedGroup();
        group.setLimit(limit);
        for (long id : FakeFriendService.friendIds(n)) {
            group.go(() -> profiles.profile(id));
        }
        group.await();
        check(log.maxInFlight("profile(") == limit, "exactly " + limit + " lookups in flight at most", log);
        int waves = (n + limit - 1) / limit;
        return SvgTimeline.of(log)
                .titled("Kata 05 — bounded: setLimit(" + limit + ") over " + n + " lookups")
                .withNote("go() blocks while " + limit + " tasks are active, so the lookups run in waves:")
                .withNote("bounded: ⌈" + n + " / " + limit + "⌉ = " + waves + " waves × " + LOOKUP_MS + " ms ≈ "
                        + waves * LOOKUP_MS + " ms, never more than " + limit + " in flight");
    }

    static SvgTimeline deadline(CallLog log) throws Exception {
        long timeoutMs = 200;
        var profiles = profiles(log);
        var orders = new FakeOrderService(log).replying(Reply.after(Duration.ofSeconds(2)));
        var dashboard = errgroupkatas.dashboard.DashboardAggregator.create(profiles, orders,
                errgroupkatas.dashboard.Option.withTimeout(Duration.ofMillis(timeoutMs)),
                errgroupkatas.dashboard.Option.withLogger(SILENT));
        try {
            dashboard.aggregate(Story.USER);
            check(false, "aggregate timed out", log);
        } catch (TimeoutException expected) {
            // the lesson
        }
        check(log.interrupted().size() == 1 && log.interrupted().getFirst().name().startsWith("latestOrder("),
                "the order call was interrupted", log);
        return SvgTimeline.of(log)
                .titled("Kata 06 — dashboard: one deadline for the whole operation")
                .withNote("withTimeout(" + timeoutMs + " ms): both calls start at once; the profile answers at "
                        + LOOKUP_MS + " ms,")
                .withNote("the order call (2 s) is interrupted at the deadline and aggregate() throws TimeoutException")
                .withMarker(Duration.ofMillis(timeoutMs), "deadline " + timeoutMs + " ms");
    }

    private static void check(boolean fact, String expected, CallLog log) {
        if (!fact) {
            throw new AssertionError("expected " + expected + ", but the run did otherwise:\n" + log.timeline());
        }
    }

    /** The dashboard logs its timeout at ERROR; the picture needs no log lines on the console. */
    private static final System.Logger SILENT = new System.Logger() {
        @Override
        public String getName() {
            return "timelines";
        }

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        }
    };
}
