package errgroupkatas.support.planted.rules;

import errgroupkatas.support.Gate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** One class per teaching rule, each breaking it, so the rules' own tests can prove they bite. */
@SuppressWarnings("removal")
public final class PlantedViolations {
    private PlantedViolations() {
    }

    public static final class ExitsTheJvm {
        void fatal() {
            System.exit(1);
        }
    }

    public static final class HaltsTheJvm {
        void fatal() {
            Runtime.getRuntime().halt(1);
        }
    }

    public static final class StopsThreads {
        void stop(Thread t) {
            t.stop();
        }
    }

    public static final class PrintsStackTraces {
        void handle(Exception e) {
            e.printStackTrace();
        }
    }

    public static final class UsesParallelStream {
        long count(List<String> xs) {
            return xs.parallelStream().count();
        }
    }

    /** parallel() on a Stream: the rule needs Stream's supertypes to see that it is a BaseStream. */
    public static final class UsesParallelOnAStream {
        long count(List<String> xs) {
            return xs.stream().parallel().count();
        }
    }

    public static final class UsesAsyncWithoutExecutor {
        CompletableFuture<String> fetch() {
            return CompletableFuture.supplyAsync(() -> "x");
        }
    }

    public static final class DependsOnFakes {
        Gate gate() {
            return Gate.closed("x");
        }
    }

    public static final class StartsThreads {
        void start() {
            new Thread(() -> { }).start();
        }
    }

    public static final class UsesExecutors {
        void run() {
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                pool.submit(() -> { });
            }
        }
    }

    /** Keeps every rule: calls services one at a time and propagates errors. */
    public static final class Clean {
        String call(java.util.concurrent.Callable<String> service) throws Exception {
            return service.call();
        }
    }
}
