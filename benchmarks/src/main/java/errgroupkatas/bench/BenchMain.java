package errgroupkatas.bench;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the benchmarks with JMH, then prints what they mean: each latency benchmark's median as a
 * ratio to its {@link CriticalPath} (the bar is {@value #BAR}), and each {@link PerTask} cost
 * benchmark's mean time per task beside its baseline. The median, not the mean: on a shared
 * 2-core machine one call in ten may be descheduled for tens of milliseconds, which says nothing
 * about the solution; the mean, min and max are printed beside it.
 *
 * <p>{@code java -jar benchmarks.jar [--quick] [JMH options] [benchmark regex…]}: JMH's own options
 * (e.g. {@code -f 2 -wi 5 -i 20}, {@code -rf json}) override the defaults below; {@code --quick}
 * takes fewer measurements. {@code -h} and {@code -l} are JMH's help and list.
 */
public final class BenchMain {
    /** The bar: a solution's median latency is at most this multiple of its critical path. */
    public static final double BAR = 1.10;

    private static final List<Class<?>> LATENCY = List.of(StoryBenchmarks.class, FailFastBenchmarks.class,
            ScaleBenchmarks.class);
    private static final List<Class<?>> COST = List.of(GroupCostBenchmarks.class);
    private static final Map<Class<?>, String> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put(StoryBenchmarks.class, "the story's sizes");
        SECTIONS.put(FailFastBenchmarks.class, "fail fast and deadlines (the story's sizes)");
        SECTIONS.put(ScaleBenchmarks.class, "10 000 on virtual threads (ids at once; \"info\" rows: no bar, see the floor)");
    }

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean quick = rest.remove("--quick");
        if (rest.stream().anyMatch(a -> Set.of("-h", "-l", "-lp", "-lrf", "-lprof").contains(a))) {
            org.openjdk.jmh.Main.main(rest.toArray(String[]::new));
            return;
        }
        StoryNumbers.check();
        CommandLineOptions cmd = new CommandLineOptions(rest.toArray(String[]::new));
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cmd);
        if (cmd.getIncludes().isEmpty()) {
            options.include(Pattern.quote(BenchMain.class.getPackageName() + "."));
        }
        if (!cmd.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!cmd.getJvmArgsAppend().hasValue()) {
            // JMH 1.37 uses sun.misc.Unsafe: without this JDK 25 warns in every fork.
            options.jvmArgsAppend("--sun-misc-unsafe-memory-access=allow");
        }
        if (!cmd.getWarmupIterations().hasValue()) {
            options.warmupIterations(quick ? 1 : 3);
        }
        if (!cmd.getMeasurementIterations().hasValue()) {
            options.measurementIterations(quick ? 3 : 10);
        }
        List<String> includes = cmd.getIncludes().isEmpty()
                ? List.of(Pattern.quote(BenchMain.class.getPackageName() + "."))
                : cmd.getIncludes();
        Collection<RunResult> results = new Runner(options.build()).run();
        boolean complete = report(results, includes, cmd.getExcludes(), System.out);
        if (!complete) {
            System.exit(1);
        }
    }

    /** Prints the ratio table and the cost lines; false if a selected benchmark has no result. */
    static boolean report(Collection<RunResult> results, List<String> includes, List<String> excludes,
            PrintStream out) throws ReflectiveOperationException {
        Map<String, RunResult> byName = new LinkedHashMap<>();
        for (RunResult r : results) {
            byName.put(r.getParams().getBenchmark(), r);
        }
        boolean complete = true;
        int over = 0;
        int measured = 0;

        out.println();
        out.printf(Locale.ROOT, "Latency against the critical path (ratio = median of single calls / critical path; bar: <= %.2f)%n", BAR);
        String row = "%-62s %-44s %8s %9s %7s  %s%n";
        for (Class<?> type : LATENCY) {
            List<Method> methods = selected(type, CriticalPath.class, includes, excludes);
            if (methods.isEmpty()) {
                continue;
            }
            out.println();
            out.println("-- " + SECTIONS.get(type));
            out.printf(Locale.ROOT, row, "benchmark", "critical path (ms)", "limit", "median", "ratio", "");
            methods.sort(Comparator.comparing(m -> m.getAnnotation(CriticalPath.class).label()));
            for (Method m : methods) {
                CriticalPath path = m.getAnnotation(CriticalPath.class);
                RunResult r = byName.get(type.getName() + "." + m.getName());
                if (r == null) {
                    complete = false;
                    out.printf(Locale.ROOT, row, path.label(), path.formula(), ms(path.ms()), "-", "-",
                            "NO RESULT (see JMH's output above; was it built with -Psolutions?)");
                    continue;
                }
                Statistics s = r.getPrimaryResult().getStatistics();
                double median = s.getPercentile(50);
                double ratio = median / path.ms();
                boolean ok = ratio <= BAR;
                if (path.bar()) {
                    measured++;
                    if (!ok) {
                        over++;
                    }
                }
                out.printf(Locale.ROOT, row, path.label(), path.formula(), ms(path.ms()), ms(median),
                        String.format(Locale.ROOT, "%.3f", ratio),
                        (!path.bar() ? "info" : ok ? "ok  " : "OVER") + String.format(Locale.ROOT, "  (mean %s, min %s, max %s, n=%d)",
                                ms(s.getMean()), ms(s.getMin()), ms(s.getMax()), s.getN()));
            }
        }
        if (measured > 0) {
            out.println();
            out.printf(Locale.ROOT, "%d of %d latency benchmarks within %.2f of their critical path%s%n",
                    measured - over, measured, BAR, over == 0 ? "" : "; " + over + " OVER the bar");
        }

        for (Class<?> type : COST) {
            List<Method> methods = selected(type, PerTask.class, includes, excludes);
            if (methods.isEmpty()) {
                continue;
            }
            Double baseline = null;
            for (Method m : methods) {
                PerTask t = m.getAnnotation(PerTask.class);
                RunResult r = byName.get(type.getName() + "." + m.getName());
                if (t.baseline() && r != null) {
                    baseline = nsPerTask(r, t);
                }
            }
            methods.sort(Comparator.comparing((Method m) -> !m.getAnnotation(PerTask.class).baseline())
                    .thenComparing(Method::getName));
            out.println();
            int tasks = methods.getFirst().getAnnotation(PerTask.class).tasks();
            out.printf(Locale.ROOT, "Cost per task: spawn + await of %,d trivial tasks, one virtual thread each%n",
                    tasks);
            for (Method m : methods) {
                PerTask t = m.getAnnotation(PerTask.class);
                RunResult r = byName.get(type.getName() + "." + m.getName());
                if (r == null) {
                    complete = false;
                    out.printf(Locale.ROOT, "  %-66s NO RESULT%n", t.label());
                    continue;
                }
                double ns = nsPerTask(r, t);
                String vs = t.baseline() ? "(the baseline)"
                        : baseline == null ? "" : String.format(Locale.ROOT, "%.2f× the baseline", ns / baseline);
                out.printf(Locale.ROOT, "  %-66s %7.0f ns/task  %s%n", t.label(), ns, vs);
            }
        }
        return complete;
    }

    private static double nsPerTask(RunResult r, PerTask t) {
        return r.getPrimaryResult().getStatistics().getMean() * 1_000_000.0 / t.tasks(); // the score is in ms
    }

    /** The benchmarks of {@code type} with {@code marker} that the include/exclude regexes select, as JMH does. */
    private static List<Method> selected(Class<?> type, Class<? extends java.lang.annotation.Annotation> marker,
            List<String> includes, List<String> excludes) {
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            String name = type.getName() + "." + m.getName();
            if (m.isAnnotationPresent(marker)
                    && includes.stream().anyMatch(p -> Pattern.compile(p).matcher(name).find())
                    && excludes.stream().noneMatch(p -> Pattern.compile(p).matcher(name).find())) {
                methods.add(m);
            }
        }
        return methods;
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, "%.1f", ms);
    }
}
