package errgroupkatas.bench;

import errgroupkatas.bounded.LimitedGroup;
import errgroupkatas.errgroup.ErrGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the abstraction costs: spawn and await 100 000 trivial tasks, each on a virtual thread of
 * its own, with the reference groups and with the JDK's virtual-thread executor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GroupCostBenchmarks {
    static final int TASKS = 100_000;

    @Benchmark
    @PerTask(label = "Executors.newVirtualThreadPerTaskExecutor(): submit each, close()", tasks = TASKS,
            baseline = true)
    public void executor() {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
                executor.submit(() -> { });
            }
        }
    }

    @Benchmark
    @PerTask(label = "ErrGroup (kata 03): go() each, await()", tasks = TASKS)
    public void errGroup() throws Exception {
        ErrGroup group = new ErrGroup();
        for (int i = 0; i < TASKS; i++) {
            group.go(() -> { });
        }
        group.await();
    }

    @Benchmark
    @PerTask(label = "LimitedGroup (kata 05, no limit): go() each, await()", tasks = TASKS)
    public void limitedGroup() throws Exception {
        LimitedGroup group = new LimitedGroup();
        for (int i = 0; i < TASKS; i++) {
            group.go(() -> { });
        }
        group.await();
    }
}
