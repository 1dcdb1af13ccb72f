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

    /** Reads a file the grader's user can read: its content would come back in a failure message. */
    public static final class ReadsAFile {
        String secret() throws java.io.IOException {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname"));
        }
    }

    /** Calls printStackTrace through reflection, which the printStackTrace rule cannot see. */
    public static final class UsesReflection {
        void handle(Exception e) throws ReflectiveOperationException {
            Throwable.class.getMethod("printStackTrace").invoke(e);
        }
    }

    /** Reads the JVM's own command line (where the grader's plan file is named). */
    public static final class InspectsItsProcess {
        String commandLine() {
            return ProcessHandle.current().info().commandLine().orElse("");
        }
    }

    /** Deletes through a method reference: no call instruction names Files.delete. */
    public static final class DeletesThroughAMethodReference {
        java.util.function.Consumer<java.nio.file.Path> deleter() {
            return p -> { };
        }

        Object reference() {
            return (ThrowingConsumer) java.nio.file.Files::delete;
        }

        interface ThrowingConsumer {
            void accept(java.nio.file.Path p) throws java.io.IOException;
        }
    }

    /** Reads an environment variable (a token, a password). */
    public static final class ReadsTheEnvironment {
        String token() {
            return System.getenv("TOKEN");
        }
    }

    /** Reaches class loading through an inherited method: the call's owner is the subclass. */
    public static final class InheritsFromThread extends Thread {
        ClassLoader loader() {
            return getContextClassLoader();
        }
    }

    /** Keeps every rule: calls services one at a time and propagates errors. */
    public static final class Clean {
        String call(java.util.concurrent.Callable<String> service) throws Exception {
            return service.call();
        }
    }
}
