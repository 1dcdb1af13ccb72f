package errgroupkatas.tools.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the grader runs a kata's test JVM, which runs a learner's code: a confinement that turns a
 * command line into one that runs it with read-only views of exactly the paths it needs, one
 * private writable folder, no network, and processes that all end when the command ends.
 *
 * <p>The contract every implementation keeps when {@link #confines()} is true:
 * <ul>
 *   <li>the command sees the {@code readOnly} paths (folders or files) at their own paths, read-only,
 *       and {@code scratch} at its own path, read-write; nothing else of the host's files except
 *       the system libraries the JDK loads;</li>
 *   <li>it has no network;</li>
 *   <li>every process it starts ends, at the latest, when the process returned by starting the
 *       command line ends or is killed (a PID namespace, a container): no {@code setsid} child or
 *       re-parented grandchild outlives the run;</li>
 *   <li>it runs within {@link #limits()}, as far as {@link Limits#describe()} says.</li>
 * </ul>
 * Its standard input and output are the ones of the process started from the command line: the
 * grader talks to the test JVM through them and nothing else.
 *
 * <p>{@link BubblewrapSandbox} is the one this repository runs and tests. A container runner
 * (docker or podman with {@code --network none --read-only}) fits the same contract; the
 * instructor guide describes it.
 */
public interface Sandbox {

    /** What the report says about the sandbox, e.g. {@code "bubblewrap 0.8.0: …"}; one line. */
    String description();

    /** Whether kata code is confined at all: false only for {@link #none()}. */
    boolean confines();

    /** The limits the confined command runs within. */
    Limits limits();

    /**
     * The command line that runs {@code command} in this sandbox. May prepare {@code scratch}
     * (create it, hand it to the sandbox's user).
     *
     * @param command  the command to confine, its program first (an absolute path)
     * @param readOnly the folders and files it may read, at their own paths
     * @param scratch  its private writable folder (its working directory and {@code java.io.tmpdir})
     */
    List<String> command(List<String> command, List<Path> readOnly, Path scratch) throws IOException;

    /**
     * The sandbox this machine offers: {@link BubblewrapSandbox} when {@code bwrap} is installed and
     * can start a JVM here; empty otherwise, with the reason in {@code why}.
     */
    static Optional<Sandbox> detect(StringBuilder why) {
        return BubblewrapSandbox.detect(why).map(s -> s);
    }

    /**
     * No sandbox: the command runs as it is, as the grader's user, with the grader's files, network
     * and processes. Only for trusted code, or when the instructor says so
     * ({@code --unsafe-no-sandbox}).
     */
    static Sandbox none() {
        return new Sandbox() {
            @Override
            public String description() {
                return "none (--unsafe-no-sandbox): kata code ran unconfined, as the grader's user, with the"
                        + " grader's files, network and processes; its results could be forged";
            }

            @Override
            public boolean confines() {
                return false;
            }

            @Override
            public Limits limits() {
                return Limits.NONE;
            }

            @Override
            public List<String> command(List<String> command, List<Path> readOnly, Path scratch) throws IOException {
                java.nio.file.Files.createDirectories(scratch);
                return command;
            }
        };
    }

    /**
     * Limits on one confined run; 0 means "not limited".
     *
     * @param memoryBytes  the data segment (RLIMIT_DATA: every private writable mapping, the Java heap,
     *                     metaspace, thread stacks and native allocations included)
     * @param processes    processes and threads of the sandbox's user (RLIMIT_NPROC)
     * @param fileBytes    the size of any one file written (RLIMIT_FSIZE)
     */
    record Limits(long memoryBytes, int processes, long fileBytes) {

        /** No limit at all. */
        public static final Limits NONE = new Limits(0, 0, 0);

        /** The limits as the report prints them, e.g. "memory 1536 MiB, 1024 processes, files 64 MiB". */
        public String describe() {
            return (memoryBytes == 0 ? "memory not limited" : "memory " + (memoryBytes >> 20) + " MiB")
                    + (processes == 0 ? ", processes not limited" : ", " + processes + " processes and threads")
                    + (fileBytes == 0 ? ", file size not limited" : ", files " + (fileBytes >> 20) + " MiB each");
        }
    }
}
