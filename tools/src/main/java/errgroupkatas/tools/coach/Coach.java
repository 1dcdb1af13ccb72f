package errgroupkatas.tools.coach;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import errgroupkatas.tools.Catalog;
import errgroupkatas.tools.Scoreboard;
import errgroupkatas.tools.TestResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.platform.engine.CancellationToken;

/**
 * The kata coach: watch mode for the katas. It runs the current kata's tests whenever a
 * {@code .java} file under {@code katas/NN-name/src} is saved (the current kata is the kata of the
 * saved file) and prints the verdict as soon as it is known: the first failing test and its
 * message, a compile error with file and line, or a pass; then the progress bar across every kata
 * of the catalog, the hints seen, and the keys: {@code h} the next hint, {@code l} the list of
 * katas, {@code a} run every kata, {@code NN} go to kata NN, {@code q} quit (a letter and Enter).
 *
 * <p>One source of truth with {@code mvn verify}: the catalog's katas, titles and points
 * ({@link Catalog}), the kata's own test sources, the support jar's {@code junit-platform.properties}
 * (timeouts, orderers) and the scoreboard's status rules ({@link Scoreboard#status}); the hints are
 * the kata's {@code hints/} files ({@link Hints}), which {@link HintCommand} shows too. How a run
 * works, and why it runs in this JVM:
 * {@link InProcessKataRun}. Progress (last results, hints seen) persists in
 * {@code .coach/progress.properties} ({@link Progress}).
 *
 * <p>Threads: one watcher thread turns file events into runs (a burst of events within
 * {@value #DEBOUNCE_MILLIS} ms, as editors write, is one save); one worker thread does every run
 * and every command in turn, so output never interleaves; commands come from {@link #command}.
 *
 * <p>Usage: {@code java -cp <tools runtime classpath> errgroupkatas.tools.coach.Coach <repository root>}
 * (the {@code coach} Maven profile: {@code mvn -q -Pcoach} at the top of the repository). Commands
 * come from standard input, a line each; when it ends (closed, or not a terminal) the coach says
 * so and goes on watching until it is interrupted ({@link #readCommands}).
 */
public final class Coach implements AutoCloseable {

    /** How long a burst of file events may last and still count as one save. */
    static final int DEBOUNCE_MILLIS = 75;
    private static final String LINE = "-".repeat(100);

    private final Path root;
    private final PrintStream out;
    private final Catalog catalog;
    private final Progress progress;
    private final Map<String, List<Hints.Hint>> hints = new LinkedHashMap<>();
    private final InProcessKataRun runner;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r, "coach-worker"));
    private final WatchService watcher;
    private final Map<WatchKey, Path> watched = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);
    private Thread watchThread;
    /** The run in progress, if any: a save cancels it. */
    private volatile CancellationToken running;
    private String current;

    /**
     * Reads the catalog, the hints and the saved progress under {@code root}; nothing runs before
     * {@link #start}.
     *
     * @param out where the coach prints (flushed after every line)
     */
    public Coach(Path root, PrintStream out) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.out = out;
        this.catalog = Catalog.load(this.root);
        this.progress = Progress.load(this.root.resolve(".coach/progress.properties"));
        for (Catalog.Kata k : catalog.katas()) {
            hints.put(k.id(), Hints.read(Hints.folder(this.root, k.id())));
        }
        this.runner = new InProcessKataRun(this.root, InProcessKataRun.classpathOf(Coach.class.getClassLoader()));
        this.watcher = this.root.getFileSystem().newWatchService();
        this.current = progress.current().filter(hints::containsKey).orElse(catalog.katas().getFirst().id());
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        try (Coach coach = new Coach(root, out)) {
            coach.start();
            coach.readCommands(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        }
        out.flush();
        // Threads a kata left running (non-daemon, or spinning) must not keep the coach alive.
        System.exit(0);
    }

    /**
     * Starts watching (every folder under each kata's {@code src} is registered before this
     * returns, so a save after it is seen), then, on the worker: counts the tests of katas that
     * never ran, and runs the current kata once. Ends with the key line.
     */
    public void start() throws IOException {
        for (Catalog.Kata k : catalog.katas()) {
            Path src = root.resolve("katas").resolve(k.id()).resolve("src");
            if (Files.isDirectory(src)) {
                registerTree(src);
            }
        }
        watchThread = daemon(this::watch, "coach-watcher");
        watchThread.start();
        submit(() -> {
            out.println(LINE);
            out.println("errgroup-katas coach: save a file under katas/ and its kata's tests run here.");
            firstRuns();
            runKata(current, System.nanoTime(), "the start");
        });
    }

    /**
     * Does each command line of {@code in} (see {@link #command}) and returns after {@code q}. When
     * the input ends without a {@code q} (standard input closed or not a terminal: started with
     * {@code < /dev/null}, as a background job, by a tool without a console), it says that the keys
     * are off and the coach goes on watching, and returns only when the coach is {@link #close}d:
     * the process is interrupted (Ctrl-C) or killed. A watch mode that quits as soon as it starts,
     * silently, would look broken; one that watches, and says how to stop it, is what a learner
     * expects.
     */
    public void readCommands(BufferedReader in) throws IOException, InterruptedException {
        String line;
        while ((line = in.readLine()) != null) {
            if (command(line)) {
                return;
            }
        }
        submit(() -> {
            out.println("coach: the keyboard input ended (stdin is closed or not a terminal), so the keys are off;");
            out.println("       the coach goes on watching your saves. Stop it with Ctrl-C. To type keys, start it in a");
            out.println("       terminal: mvn -q -Pcoach");
        });
        closing.await();
    }

    /**
     * Does one command line ({@code h}, {@code l}, {@code a}, {@code q}, a kata's number); the
     * work is queued behind the run in progress, if any.
     *
     * @return true when the command was {@code q}: the caller should {@link #close} the coach
     */
    public boolean command(String line) {
        String c = line.strip().toLowerCase(java.util.Locale.ROOT);
        if (c.equals("q") || c.equals("quit")) {
            return true;
        }
        submit(() -> {
            switch (c) {
                case "" -> { }
                case "h", "hint" -> nextHint();
                case "l", "list" -> listKatas();
                case "a", "all" -> runAll();
                default -> {
                    String kata = c.matches("\\d{1,2}") ? byNumber(Integer.parseInt(c)) : null;
                    if (kata != null) {
                        current = kata;
                        runKata(kata, System.nanoTime(), "the command");
                    } else {
                        out.println("unknown command '" + line.strip() + "'. " + Screen.KEYS);
                    }
                }
            }
        });
        return false;
    }

    /** Stops watching and running (a run in progress is abandoned, and its outcome is not recorded) and saves the progress. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        watcher.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (progress) {
            progress.save();
        }
    }

    // ------------------------------------------------------------------------------ watching ---

    private void registerTree(Path dir) throws IOException {
        try (Stream<Path> dirs = Files.walk(dir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                watched.put(d.register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), d);
            }
        }
    }

    /** The watcher thread: a burst of events becomes a run of the kata of the last saved file. */
    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                long firstEvent = System.nanoTime();
                Set<Path> changed = new LinkedHashSet<>();
                while (key != null) {
                    collect(key, changed);
                    key = watcher.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
                }
                String kata = null;
                for (Path p : changed) {
                    Path rel = root.relativize(p);
                    if (rel.getNameCount() > 3 && rel.getName(2).toString().equals("src")) {
                        kata = rel.getName(1).toString();
                        if (rel.getName(3).toString().equals("test")) {
                            runner.testsChanged(kata);
                        }
                    }
                }
                if (kata != null) {
                    String saved = kata;
                    CancellationToken run = running;
                    if (run != null) {
                        run.cancel(); // a newer save supersedes the run in progress
                    }
                    submit(() -> {
                        current = saved;
                        runKata(saved, firstEvent, "the save");
                    });
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the coach ends
        } catch (IOException e) {
            out.println("coach: watching stopped: " + e + " (restart the coach)");
        }
    }

    private void collect(WatchKey key, Set<Path> changed) throws IOException {
        Path dir = watched.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW || dir == null) {
                continue;
            }
            Path p = dir.resolve((Path) event.context());
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(p)) {
                registerTree(p); // a new package: watch it too
            } else if (p.getFileName().toString().endsWith(".java")) {
                changed.add(p);
            }
        }
        if (!key.reset()) {
            watched.remove(key);
        }
    }

    // ------------------------------------------------------------------------------- running ---

    /**
     * Runs one kata and prints its verdict; {@code since} is when its {@code trigger} ("the save")
     * was seen, for the time shown.
     */
    private void runKata(String kata, long since, String trigger) {
        Catalog.Kata k = kata(kata);
        out.println(LINE);
        out.println(kata + " — " + k.title());
        AtomicBoolean verdictShown = new AtomicBoolean();
        Progress.Result result = null;
        CancellationToken cancel = CancellationToken.create();
        running = cancel;
        try {
            InProcessKataRun.Outcome outcome = runner.run(kata, r -> {
                // After q, close() interrupts the test in progress: its InterruptedException is the
                // coach's doing, not the kata's.
                if (r.failed() && !r.tags().contains("bonus") && !closed.get() && verdictShown.compareAndSet(false, true)) {
                    Screen.failure(kata, r).forEach(out::println);
                    out.println("      (" + Screen.seconds(System.nanoTime() - since) + " after " + trigger + "; the run goes on)");
                }
            }, cancel);
            if (closed.get()) {
                return; // q during the run: close() interrupted it, so its outcome says nothing about the kata
            }
            result = report(kata, outcome, verdictShown.get(), since, trigger);
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                out.println("ERROR " + kata + "  the coach could not run it: " + e);
            }
            result = new Progress.Result(0, previousTotal(kata), Scoreboard.Status.CRASHED.label());
        } finally {
            running = null;
        }
        if (closed.get()) {
            return; // q during the run: close() interrupted it, so its outcome says nothing about the kata
        }
        synchronized (progress) {
            if (result != null) {
                progress.result(kata, result);
            }
            progress.current(kata);
            save();
        }
        footer(kata);
    }

    /**
     * Prints the verdict (unless the first failure already was) and the run's summary; the kata's
     * new result, or null when the run was cancelled (a newer save supersedes it: the last complete
     * result stands).
     */
    private Progress.Result report(String kata, InProcessKataRun.Outcome outcome, boolean failureShown, long since,
            String trigger) {
        if (outcome instanceof InProcessKataRun.Ran ran && ran.cancelled()) {
            out.println("      (run cut short: a newer save supersedes it)");
            return null;
        }
        return switch (outcome) {
            case InProcessKataRun.DoesNotCompile d -> {
                Screen.doesNotCompile(kata, d.tests(), d.errors()).forEach(out::println);
                yield new Progress.Result(0, previousTotal(kata), Scoreboard.Status.DOES_NOT_COMPILE.label());
            }
            case InProcessKataRun.ExitsTheJvm x -> {
                Screen.exitsTheJvm(kata, x.calls()).forEach(out::println);
                yield new Progress.Result(0, previousTotal(kata), Scoreboard.Status.CRASHED.label());
            }
            case InProcessKataRun.Ran ran -> {
                List<Scoreboard.Test> tests = ran.results().stream().map(Coach::asScoreboardTest).toList();
                Scoreboard.Status status = Scoreboard.status(tests, !ran.problem().isEmpty());
                int behaviour = count(tests, Scoreboard.Kind.BEHAVIOUR, false);
                int passed = count(tests, Scoreboard.Kind.BEHAVIOUR, true);
                if (!ran.problem().isEmpty()) {
                    out.println("ERROR " + kata + "  " + ran.problem());
                } else if (status == Scoreboard.Status.SOLVED) {
                    out.println(Screen.pass(kata, behaviour, count(tests, Scoreboard.Kind.RULE, false)));
                    out.println("      (" + Screen.seconds(System.nanoTime() - since) + " after " + trigger + ")");
                } else if (!failureShown) {
                    out.println("FAIL  " + kata + "  no test failed, but the kata is not solved (" + status.label() + ")");
                }
                long bonus = count(tests, Scoreboard.Kind.BONUS, false);
                if (bonus > 0) {
                    out.println("      bonus: " + count(tests, Scoreboard.Kind.BONUS, true) + "/" + bonus + " tests");
                }
                out.println("      tests: " + passed + "/" + behaviour + " pass · " + status.label()
                        + " · the whole run took " + Screen.seconds(System.nanoTime() - since));
                ran.results().stream().filter(TestResult::failed).map(r -> Scoreboard.hintIn(r.message(), kata))
                        .filter(java.util.Objects::nonNull).findFirst()
                        .ifPresent(h -> out.println("      the failing test points to " + h.substring(0, h.indexOf(':'))
                                + " (" + h.substring(h.indexOf(':') + 2) + "; h here shows your next one)"));
                if (!ran.stillRunning().isEmpty()) {
                    out.println("WARN  threads of your code are still running after the tests (they ignore interrupts?):");
                    ran.stillRunning().stream().limit(3).forEach(t -> out.println("      " + Screen.cut(t, 120)));
                    out.println("      They keep a core busy and slow every run: restart the coach (q, then start it again).");
                }
                yield new Progress.Result(passed, behaviour, status.label());
            }
        };
    }

    private void footer(String kata) {
        int passed = 0, total = 0, solved = 0;
        for (Catalog.Kata k : catalog.katas()) {
            Progress.Result r = progress.result(k.id()).orElse(null);
            if (r != null) {
                passed += r.passed();
                total += r.total();
                solved += r.status().equals(Scoreboard.Status.SOLVED.label()) ? 1 : 0;
            }
        }
        out.println("progress " + Screen.progressBar(passed, total, 30) + " tests · " + solved + " of "
                + catalog.katas().size() + " katas solved");
        int seen = progress.hintsSeen(kata);
        int available = hints.get(kata).size();
        out.println("hints for " + kata + ": " + seen + " of " + available + " seen"
                + (seen < available ? " (h shows hint " + (seen + 1) + ")" : ""));
        out.println(Screen.KEYS);
    }

    private void runAll() {
        for (Catalog.Kata k : catalog.katas()) {
            runKata(k.id(), System.nanoTime(), "the command");
        }
        if (closed.get()) {
            return;
        }
        java.util.Optional<String> unsolved = catalog.katas().stream().map(Catalog.Kata::id)
                .filter(id -> !progress.result(id).map(r -> r.status().equals(Scoreboard.Status.SOLVED.label())).orElse(false))
                .findFirst();
        if (unsolved.isPresent()) {
            current = unsolved.get();
            out.println("current kata: " + current + " (the first not solved)");
        } else {
            out.println("every kata is solved (" + catalog.katas().size() + " of " + catalog.katas().size()
                    + "): well done. Run mvn verify for the scoreboard; current kata: " + current);
        }
    }

    /**
     * Runs, once and tersely, every kata but the current one that has no saved result (the
     * coach's first start):
     * the progress bar needs each kata's count of tests, and a learner who solved katas before
     * meeting the coach should see them counted.
     */
    private void firstRuns() {
        List<Catalog.Kata> unknown = catalog.katas().stream().filter(k -> progress.result(k.id()).isEmpty())
                .filter(k -> !k.id().equals(current)).toList(); // the current kata runs next anyway
        if (unknown.isEmpty()) {
            return;
        }
        out.println("First start: running each kata's tests once, to know where you are.");
        for (Catalog.Kata k : unknown) {
            Progress.Result result;
            try {
                result = switch (runner.run(k.id(), r -> { }, CancellationToken.create())) {
                    case InProcessKataRun.DoesNotCompile d -> new Progress.Result(0, 0, Scoreboard.Status.DOES_NOT_COMPILE.label());
                    case InProcessKataRun.ExitsTheJvm x -> new Progress.Result(0, 0, Scoreboard.Status.CRASHED.label());
                    case InProcessKataRun.Ran ran -> {
                        List<Scoreboard.Test> tests = ran.results().stream().map(Coach::asScoreboardTest).toList();
                        yield new Progress.Result(count(tests, Scoreboard.Kind.BEHAVIOUR, true),
                                count(tests, Scoreboard.Kind.BEHAVIOUR, false),
                                Scoreboard.status(tests, !ran.problem().isEmpty()).label());
                    }
                };
            } catch (IOException | RuntimeException e) {
                result = new Progress.Result(0, 0, Scoreboard.Status.CRASHED.label());
            }
            if (closed.get()) {
                return; // q during the first runs: the interrupted run's outcome is not the kata's
            }
            out.println(String.format(java.util.Locale.ROOT, "  %-18s %7s  %s", k.id(), result.passed() + "/" + result.total(),
                    result.status()));
            synchronized (progress) {
                progress.result(k.id(), result);
            }
        }
    }

    // ----------------------------------------------------------------------------- commands ---

    private void nextHint() {
        List<Hints.Hint> list = hints.get(current);
        int seen;
        synchronized (progress) {
            progress.mergeHintsSeen(); // mvn -q -Phint may have shown some meanwhile
            seen = progress.hintsSeen(current);
        }
        if (list.isEmpty()) {
            out.println("no hints for " + current + " (katas/" + current + "/hints/ holds none)");
            return;
        }
        Hints.Hint hint = list.get(Math.min(seen, list.size() - 1));
        out.println(LINE);
        Hints.show(current, hint, list.size()).forEach(out::println);
        if (seen >= list.size()) {
            out.println("(that was the last hint; to read hint N again: mvn -q -Phint -Dkata=" + current.substring(0, 2)
                    + " -Dhint=N, or katas/" + current + "/hints/N.md)");
        }
        synchronized (progress) {
            progress.hintsSeen(current, Math.min(seen + 1, list.size()));
            save();
        }
        out.println(Screen.KEYS);
    }

    private void listKatas() {
        out.println(LINE);
        for (Catalog.Kata k : catalog.katas()) {
            Progress.Result r = progress.result(k.id()).orElse(null);
            String tests = r == null ? "?" : r.passed() + "/" + r.total();
            out.println(String.format(java.util.Locale.ROOT, "%s %-18s %7s  %-17s hints %d/%d  %s",
                    k.id().equals(current) ? ">" : " ", k.id(), tests, r == null ? "not run yet" : r.status(),
                    progress.hintsSeen(k.id()), hints.get(k.id()).size(), k.title()));
        }
        out.println("(> the current kata; type its number, e.g. 02, and Enter to go to another)");
        out.println(Screen.KEYS);
    }

    // ------------------------------------------------------------------------------ helpers ---

    private static Scoreboard.Test asScoreboardTest(TestResult r) {
        String key = r.key();
        int dot = key.indexOf('.');
        Scoreboard.Kind kind = r.tags().contains("rules") ? Scoreboard.Kind.RULE
                : r.tags().contains("bonus") ? Scoreboard.Kind.BONUS : Scoreboard.Kind.BEHAVIOUR;
        String message = r.message();
        String type = message.contains(": ") ? message.substring(0, message.indexOf(": ")) : message;
        return new Scoreboard.Test(dot < 0 ? key : key.substring(0, dot), dot < 0 ? key : key.substring(dot + 1),
                r.display(), kind, r.passed(), r.status().equals("SKIPPED"), r.failed() && Scoreboard.timedOut(type, message),
                message, r.millis() / 1000.0);
    }

    private static int count(List<Scoreboard.Test> tests, Scoreboard.Kind kind, boolean passedOnly) {
        return (int) tests.stream().filter(t -> t.kind() == kind && (!passedOnly || t.passed())).count();
    }

    private int previousTotal(String kata) {
        return progress.result(kata).map(Progress.Result::total).orElse(0);
    }

    private Catalog.Kata kata(String id) {
        return catalog.katas().stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a kata of the catalog: " + id));
    }

    private String byNumber(int number) {
        String prefix = String.format(java.util.Locale.ROOT, "%02d-", number);
        return catalog.katas().stream().map(Catalog.Kata::id).filter(id -> id.startsWith(prefix)).findFirst().orElse(null);
    }

    private void save() {
        try {
            progress.save();
        } catch (IOException e) {
            out.println("coach: could not save the progress: " + e);
        }
    }

    /** Queues {@code task} on the worker; whatever it throws is printed, and the coach goes on. */
    private void submit(Runnable task) {
        worker.execute(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                out.println("coach: internal error: " + t + " (the coach goes on; restart it if it misbehaves)");
                out.println(Screen.KEYS);
            }
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
