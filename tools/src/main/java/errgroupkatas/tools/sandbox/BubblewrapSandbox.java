package errgroupkatas.tools.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Sandbox} made with bubblewrap ({@code bwrap}, Debian's {@code bubblewrap} package) and
 * resource limits set with util-linux's {@code prlimit}:
 * <ul>
 *   <li>a new root file system that holds the system libraries ({@code /usr/lib}, {@code /usr/lib64}
 *       and their {@code /lib} links, read-only), {@code /dev}'s harmless devices, the read-only
 *       paths and the scratch folder, and is itself read-only: no {@code /proc}, no {@code /etc}, no
 *       home, no shell;</li>
 *   <li>new PID, network, IPC, UTS and cgroup namespaces: no network, and the processes of the
 *       run all end when its first process does ({@code --die-with-parent} ends it with the grader);</li>
 *   <li>an empty environment but {@code PATH}, {@code HOME}/{@code TMPDIR} (the scratch folder) and
 *       {@code LD_LIBRARY_PATH} (the JDK's {@code lib}: without {@code /proc} the dynamic loader
 *       cannot resolve {@code $ORIGIN});</li>
 *   <li>when the grader runs as root: the command runs as a user id of its own (picked at random
 *       above 1 000 000, no capabilities, {@code setpriv}), which owns the scratch folder, so that the
 *       process limit counts this run only; as any other user, bubblewrap maps that user into a
 *       user namespace, and the process limit is left out (it would count the user's other
 *       processes too);</li>
 *   <li>{@link #DEFAULT_LIMITS}: RLIMIT_DATA caps memory, the Java heap and native allocations alike
 *       (a JVM with {@code -Xmx768m} cannot grow beyond it), RLIMIT_NPROC processes and threads,
 *       RLIMIT_FSIZE every file written, and no core files.</li>
 * </ul>
 */
public final class BubblewrapSandbox implements Sandbox {

    /** 1.5 GiB of memory (twice the test JVM's heap), 1024 processes and threads, 64 MiB per file. */
    public static final Limits DEFAULT_LIMITS = new Limits(1536L << 20, 1024, 64L << 20);

    private static final List<String> SYSTEM_LIBRARIES = List.of("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib",
            "/lib64", "/lib32");

    private final Path bwrap;
    private final Path prlimit;
    private final Path setpriv; // null unless the grader is root
    private final String version;
    private final Limits limits;

    private BubblewrapSandbox(Path bwrap, Path prlimit, Path setpriv, String version, Limits limits) {
        this.bwrap = bwrap;
        this.prlimit = prlimit;
        this.setpriv = setpriv;
        this.version = version;
        this.limits = limits;
    }

    /**
     * Bubblewrap, if it is installed (with {@code prlimit}, and {@code setpriv} when the grader is
     * root) and starts this JDK's {@code java -version} here; otherwise empty, with the reason
     * appended to {@code why}.
     */
    public static Optional<BubblewrapSandbox> detect(StringBuilder why) {
        boolean root = isRoot();
        Optional<Path> bwrap = onPath("bwrap");
        Optional<Path> prlimit = onPath("prlimit");
        Optional<Path> setpriv = root ? onPath("setpriv") : Optional.empty();
        if (bwrap.isEmpty() || prlimit.isEmpty() || (root && setpriv.isEmpty())) {
            why.append("bubblewrap needs bwrap, prlimit").append(root ? " and setpriv" : "")
                    .append(" on the PATH; missing: ").append(bwrap.isEmpty() ? "bwrap " : "")
                    .append(prlimit.isEmpty() ? "prlimit " : "").append(root && setpriv.isEmpty() ? "setpriv " : "")
                    .append("(Debian: apt-get install bubblewrap util-linux)");
            return Optional.empty();
        }
        Path scratch = null;
        try {
            String version = output(List.of(bwrap.get().toString(), "--version")).strip();
            Limits limits = root ? DEFAULT_LIMITS : new Limits(DEFAULT_LIMITS.memoryBytes(), 0, DEFAULT_LIMITS.fileBytes());
            BubblewrapSandbox sandbox = new BubblewrapSandbox(bwrap.get(), prlimit.get(), setpriv.orElse(null),
                    version, limits);
            scratch = Files.createTempDirectory("bwrap-check");
            Path javaHome = Path.of(System.getProperty("java.home"));
            String javaVersion = output(sandbox.command(List.of(javaHome.resolve("bin/java").toString(), "-Xshare:auto",
                    "-XX:-UsePerfData", "-version"), List.of(javaHome), scratch.resolve("scratch")));
            if (!javaVersion.contains("version")) {
                why.append("bubblewrap is installed but cannot start java here: ").append(javaVersion.strip());
                return Optional.empty();
            }
            return Optional.of(sandbox);
        } catch (IOException e) {
            why.append("bubblewrap is installed but cannot start java here: ").append(e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why.append("interrupted while checking bubblewrap");
            return Optional.empty();
        } finally {
            if (scratch != null) {
                deleteQuietly(scratch);
            }
        }
    }

    @Override
    public String description() {
        return version + ": no network, own PID namespace ended with the run, read-only JDK, libraries and class"
                + " folders, one private writable folder, no /proc, "
                + (setpriv != null ? "a user id of its own without capabilities" : "the grader's user in a user namespace")
                + "; " + limits.describe();
    }

    @Override
    public boolean confines() {
        return true;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public List<String> command(List<String> command, List<Path> readOnly, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        List<String> c = new ArrayList<>(List.of(prlimit.toString(), "--core=0"));
        if (limits.memoryBytes() > 0) {
            c.add("--data=" + limits.memoryBytes());
        }
        if (limits.fileBytes() > 0) {
            c.add("--fsize=" + limits.fileBytes());
        }
        if (limits.processes() > 0) {
            c.add("--nproc=" + limits.processes());
        }
        c.addAll(List.of("--", bwrap.toString(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv", "--dev", "/dev"));
        if (setpriv == null) {
            c.add("--unshare-user"); // as root, setpriv below gives up root instead
        }
        Mounts mounts = new Mounts(c);
        for (String lib : SYSTEM_LIBRARIES) {
            Path p = Path.of(lib);
            if (Files.isSymbolicLink(p)) {
                mounts.symlink(Files.readSymbolicLink(p).toString(), p);
            } else if (Files.isDirectory(p)) {
                mounts.bind("--ro-bind", p);
            }
        }
        if (setpriv != null) {
            mounts.bind("--ro-bind", setpriv);
        }
        List<Path> paths = readOnly.stream().map(p -> p.toAbsolutePath().normalize()).filter(Files::exists)
                .sorted(Comparator.comparingInt(Path::getNameCount)).toList();
        for (Path p : paths) {
            mounts.bind("--ro-bind", p);
        }
        Path work = scratch.toAbsolutePath().normalize();
        mounts.bind("--bind", work);
        Path program = Path.of(command.getFirst());
        Path libs = program.getParent() == null || program.getParent().getParent() == null ? null
                : program.getParent().getParent().resolve("lib");
        c.addAll(List.of("--chdir", work.toString(), "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME",
                work.toString(), "--setenv", "TMPDIR", work.toString(), "--setenv", "LANG", "C.UTF-8"));
        if (libs != null && Files.isDirectory(libs)) {
            c.addAll(List.of("--setenv", "LD_LIBRARY_PATH", libs.toString()));
        }
        c.addAll(List.of("--remount-ro", "/"));
        if (setpriv != null) {
            int uid = ThreadLocalRandom.current().nextInt(1_000_000, 2_000_000_000);
            Files.setAttribute(work, "unix:uid", uid);
            Files.setAttribute(work, "unix:gid", uid);
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
            c.addAll(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--"));
        }
        c.addAll(command);
        return c;
    }

    /**
     * The mount arguments: each mount point's missing parent folders first (world-readable:
     * bubblewrap makes them private otherwise, and the sandbox's user could not pass them); a path
     * already visible through an earlier mount is not mounted again.
     */
    private static final class Mounts {
        private final List<String> args;
        private final Set<Path> dirs = new HashSet<>(Set.of(Path.of("/")));
        private final List<Path> mounted = new ArrayList<>();

        Mounts(List<String> args) {
            this.args = args;
        }

        void bind(String how, Path p) {
            if (mounted.stream().anyMatch(p::startsWith)) {
                return;
            }
            parents(p);
            args.addAll(List.of(how, p.toString(), p.toString()));
            mounted.add(p);
        }

        void symlink(String target, Path link) {
            parents(link);
            args.addAll(List.of("--symlink", target, link.toString()));
            mounted.add(link);
        }

        private void parents(Path p) {
            Path parent = p.getParent();
            if (parent == null || dirs.contains(parent)) {
                return;
            }
            parents(parent);
            args.addAll(List.of("--perms", "0755", "--dir", parent.toString()));
            dirs.add(parent);
        }
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readNBytes(64 * 1024);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.getFirst() + " did not end within 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind
        }
    }
}
