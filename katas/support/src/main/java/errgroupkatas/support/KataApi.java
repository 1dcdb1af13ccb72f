package errgroupkatas.support;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Java API kata code may use, in one place: the kata rule {@link KataRules#ONLY_THE_KATA_API}
 * (every kata's {@code RulesTest}, so a learner meets it at once) and the grader's class-file scan
 * (which refuses a submission that breaks it before any of its code runs) both ask
 * {@link #refusal(String, String)}.
 *
 * <p>Kata code may use {@code java.util.concurrent} (with {@code .atomic} and {@code .locks}),
 * {@code java.util} (with {@code .function}, {@code .stream}, {@code .regex}, {@code .random}),
 * {@code java.time}, {@code java.math}, {@code java.lang}'s ordinary classes, threads (platform and
 * virtual), {@code System.Logger}, printing to {@code System.out}/{@code System.err}, and the story
 * ({@code errgroupkatas.story}). It may not use reflection, method handles, class loading, files,
 * the network, processes, {@code System.exit}/{@code Runtime.halt}, system properties or the
 * environment, foreign memory or native code, JVM management, or JDK internals: nothing a
 * concurrency kata needs, and everything a submission would need to read the grader's files or
 * forge its results.
 *
 * <p>What is judged is each <em>use</em>: a method called or referenced ({@code Files::delete}), a
 * field read or written, a constructor, a supertype. Naming a type (a parameter of type
 * {@code Path}, a cast, a class literal) is harmless and allowed: without a use it does nothing.
 * Packages are exact: {@code java.util} does not admit {@code java.util.logging}.
 */
public final class KataApi {

    /** Packages whose every class kata code may use, except the refused classes and members below. */
    public static final Set<String> ALLOWED_PACKAGES = Set.of(
            "java.lang", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
            "java.util.concurrent.locks", "java.util.function", "java.util.stream", "java.util.regex",
            "java.util.random", "java.time", "java.time.temporal", "java.time.format", "java.math",
            "errgroupkatas.story");

    /**
     * Classes outside those packages that kata code may use: the exceptions and interfaces the
     * story's and the JDK's signatures need, and {@code System.out}'s type (its printing methods
     * only, see {@link #ONLY_MEMBERS}). No class that opens a file.
     */
    public static final Set<String> ALLOWED_CLASSES = Set.of(
            "java.io.Serializable", "java.io.Closeable", "java.io.Flushable", "java.io.IOException",
            "java.io.UncheckedIOException", "java.io.InterruptedIOException", "java.io.PrintStream");

    /** Classes of the allowed packages that kata code may not use at all (nested classes included). */
    public static final Set<String> REFUSED_CLASSES = Set.of(
            "java.lang.ClassLoader", "java.lang.Process", "java.lang.ProcessBuilder", "java.lang.ProcessHandle",
            "java.lang.Module", "java.lang.ModuleLayer", "java.lang.Package", "java.lang.StackWalker",
            "java.lang.SecurityManager", "java.lang.System$LoggerFinder", "java.util.ServiceLoader",
            "java.util.ResourceBundle", "java.util.Formatter");

    /**
     * Classes kata code may use only through these members (methods and fields by name;
     * {@code <init>} is a constructor): what a kata needs of {@code System}, {@code Runtime},
     * {@code Class} and {@code PrintStream}, and none of their doors to the outside.
     */
    public static final Map<String, Set<String>> ONLY_MEMBERS = Map.of(
            "java.lang.System", Set.of("currentTimeMillis", "nanoTime", "identityHashCode", "arraycopy",
                    "getLogger", "lineSeparator", "out", "err"),
            "java.lang.Runtime", Set.of("getRuntime", "availableProcessors", "freeMemory", "totalMemory",
                    "maxMemory", "version"),
            "java.lang.Class", Set.of("getName", "getSimpleName", "getTypeName", "getCanonicalName",
                    "getPackageName", "isInstance", "cast", "isAssignableFrom", "isInterface", "isArray",
                    "isPrimitive", "isEnum", "isRecord", "getComponentType", "componentType", "arrayType",
                    "getEnumConstants", "desiredAssertionStatus", "toString", "hashCode", "equals"),
            "java.io.PrintStream", Set.of("print", "println", "printf", "format", "append", "flush",
                    "checkError", "toString", "hashCode", "equals"));

    /** Members of allowed classes that kata code may not use. */
    public static final Map<String, Set<String>> REFUSED_MEMBERS = Map.of(
            "java.lang.Thread", Set.of("stop", "suspend", "resume", "setContextClassLoader",
                    "getContextClassLoader", "setDefaultUncaughtExceptionHandler"));

    /**
     * The bootstrap methods of the {@code invokedynamic} instructions javac emits for ordinary Java
     * (lambdas and method references, string concatenation, records, pattern and enum switches),
     * as {@code owner.name}: the grader's class-file scan allows these and no other. Their method
     * handle arguments (a method reference's target) are judged like any other use.
     */
    public static final Set<String> JAVAC_BOOTSTRAPS = Set.of(
            "java.lang.invoke.LambdaMetafactory.metafactory", "java.lang.invoke.LambdaMetafactory.altMetafactory",
            "java.lang.invoke.StringConcatFactory.makeConcatWithConstants",
            "java.lang.invoke.StringConcatFactory.makeConcat", "java.lang.runtime.ObjectMethods.bootstrap",
            "java.lang.runtime.SwitchBootstraps.typeSwitch", "java.lang.runtime.SwitchBootstraps.enumSwitch");

    private KataApi() {
    }

    /**
     * Why kata code may not use {@code member} of {@code owner}, or empty when it may.
     *
     * @param owner  the class whose member is used, by its binary name ({@code java.lang.System},
     *               {@code java.lang.System$Logger}); for an array type, its element type
     * @param member the method or field used, {@code <init>} for a constructor, or {@code ""} for
     *               the class as a whole (a supertype)
     * @return the reason, e.g. "files are refused: kata code never reads or writes files", or empty
     */
    public static Optional<String> refusal(String owner, String member) {
        String top = owner.contains("$") ? owner.substring(0, owner.indexOf('$')) : owner;
        String pkg = owner.contains(".") ? owner.substring(0, owner.lastIndexOf('.')) : "";
        if (REFUSED_CLASSES.contains(owner) || REFUSED_CLASSES.contains(top)
                || !(ALLOWED_PACKAGES.contains(pkg) || ALLOWED_CLASSES.contains(owner))) {
            return Optional.of(reason(owner, member));
        }
        Set<String> only = ONLY_MEMBERS.get(owner);
        if (!member.isEmpty() && only != null && !only.contains(member)) {
            return Optional.of(reason(owner, member));
        }
        if (REFUSED_MEMBERS.getOrDefault(owner, Set.of()).contains(member)) {
            return Optional.of(reason(owner, member));
        }
        return Optional.empty();
    }

    /** The teaching reason for a refused use, by what the API opens onto. */
    private static String reason(String owner, String member) {
        String name = owner + (member.isEmpty() ? "" : "." + member);
        if (name.matches("java\\.lang\\.(System\\.exit|Runtime\\.(exit|halt))")) {
            return "ending the JVM is refused: return or throw the error and let the caller decide (log.Fatalf"
                    + " in a goroutine kills the whole server)";
        }
        if (name.matches("java\\.lang\\.(System|Runtime)\\.(load|loadLibrary|mapLibraryName)") || under(owner,
                "java.lang.foreign")) {
            return "native code and foreign memory are refused: kata code is plain Java";
        }
        if (name.matches("java\\.lang\\.System\\.(getProperty|getProperties|setProperty|setProperties"
                + "|clearProperty|getenv|in|setIn|setOut|setErr|console|inheritedChannel)")) {
            return "the JVM's environment (system properties, environment variables, standard input, the"
                    + " console) is refused: kata code gets everything it needs as arguments";
        }
        if (name.matches("java\\.lang\\.Thread\\.(stop|suspend|resume)")) {
            return "Thread.stop, suspend and resume are refused: cancel a thread by interrupting it";
        }
        if (name.startsWith("java.lang.Thread.")) {
            return "the tests own the threads' class loaders and uncaught-exception handler: set a handler"
                    + " on a thread you start, never the default one";
        }
        if (owner.matches("java\\.lang\\.ClassLoader(\\$.*)?|java\\.util\\.(ServiceLoader|ResourceBundle)(\\$.*)?")
                || name.equals("java.lang.Class.forName")) {
            return "class loading is refused: kata code uses the classes it was compiled with";
        }
        if (under(owner, "java.lang.reflect") || under(owner, "java.lang.invoke") || under(owner, "java.lang.constant")
                || owner.matches("java\\.lang\\.(Class|Module|ModuleLayer|Package|StackWalker)(\\$.*)?")) {
            return "reflection and method handles are refused: call the code you mean by its name";
        }
        if (owner.matches("java\\.lang\\.Process(Builder|Handle)?(\\$.*)?") || owner.startsWith("java.lang.Runtime")) {
            return "processes are refused: kata code runs in the JVM it was given";
        }
        if (under(owner, "java.io") || under(owner, "java.nio") || owner.startsWith("java.util.Formatter")
                || under(owner, "java.util.zip") || under(owner, "java.util.jar")) {
            return "files are refused: kata code never reads or writes files (print with System.out or a"
                    + " System.Logger)";
        }
        if (under(owner, "java.net") || under(owner, "javax.net") || under(owner, "jdk.net")) {
            return "the network is refused: the story's services are the only ones kata code talks to";
        }
        if (under(owner, "java.lang.management") || under(owner, "javax.management") || under(owner, "jdk.jfr")
                || under(owner, "java.lang.instrument")) {
            return "JVM management and instrumentation are refused: that is the tests' business";
        }
        if (under(owner, "sun") || under(owner, "jdk.internal") || under(owner, "com.sun")) {
            return "JDK internals are refused";
        }
        return "it is outside the katas' API: java.util.concurrent, java.util, java.time, java.lang and the"
                + " story (errgroupkatas.story)";
    }

    private static boolean under(String owner, String pkg) {
        return owner.startsWith(pkg + ".");
    }
}
