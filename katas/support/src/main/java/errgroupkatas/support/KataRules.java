package errgroupkatas.support;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.BaseStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The teaching rules every kata's main code must keep, checked with ArchUnit. Each rule's message
 * says why it exists. Rules are constraints, not achievements: an empty stub keeps them all, so
 * the kata tests that check them carry the {@code rules} tag, score nothing, and are counted
 * apart from the kata's behaviour tests.
 *
 * <pre>{@code
 * @Tag("rules") @TestFactory
 * Stream<DynamicTest> rules() { return KataRules.check(KATA, KataRules.NO_THREADS); }
 * }</pre>
 */
public final class KataRules {

    /** A rule with a short title that names it in test reports. */
    public record KataRule(String title, ArchRule rule) {
    }

    /** No {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}. */
    public static final KataRule NO_EXIT = new KataRule("never calls System.exit or Runtime.halt",
            noClasses().should().callMethod(System.class, "exit", int.class)
                    .orShould().callMethod(Runtime.class, "exit", int.class)
                    .orShould().callMethod(Runtime.class, "halt", int.class)
                    .because("exiting the JVM from a worker is the Java twin of log.Fatalf in a goroutine:"
                            + " it kills the whole server for one failed request. Return or throw the error"
                            + " and let the caller decide"));

    /** No {@code Thread.stop}. */
    public static final KataRule NO_THREAD_STOP = new KataRule("never calls Thread.stop",
            noClasses().should().callMethodWhere(target(owner(assignableTo(Thread.class))).and(target(name("stop"))))
                    .because("Thread.stop is gone (it throws UnsupportedOperationException): cancel a thread by"
                            + " interrupting it and let it end its own work"));

    /** No {@code printStackTrace()}. */
    public static final KataRule NO_PRINT_STACK_TRACE = new KataRule("never handles an error with printStackTrace",
            noClasses().should().callMethodWhere(target(owner(assignableTo(Throwable.class)))
                            .and(target(name("printStackTrace"))))
                    .because("printing an exception is not handling it: the caller still sees success."
                            + " Propagate the failure (throw it, or record it for the group to report)"));

    /** No common-pool parallelism. */
    public static final KataRule NO_COMMON_POOL = new KataRule("never runs work on the common ForkJoinPool",
            noClasses().should().callMethodWhere(target(name("parallelStream")))
                    .orShould().callMethodWhere(target(owner(assignableTo(BaseStream.class))).and(target(name("parallel"))))
                    .orShould().callMethod(ForkJoinPool.class, "commonPool")
                    .orShould().callMethodWhere(asyncWithoutExecutor())
                    .because("the common pool's threads belong to nobody: they cannot be cancelled with your"
                            + " group, they outlive your call, and other code shares them. Start threads you"
                            + " own (a virtual thread per task, or an executor you shut down)"));

    /** Kata code depends on the story only, never on the tests' fakes or test libraries. */
    public static final KataRule NO_TEST_DEPENDENCIES = new KataRule("never depends on the tests' fakes or libraries",
            noClasses().should().dependOnClassesThat().resideInAnyPackage(
                            "errgroupkatas.support..", "org.junit..", "org.assertj..", "org.awaitility..",
                            "com.tngtech.archunit..")
                    .because("kata code talks to the services through the errgroupkatas.story interfaces only;"
                            + " the fakes exist for the tests, and a real server would not have them"));

    /** Kata 01's own rule: the serial handler starts no thread at all. */
    public static final KataRule NO_THREADS = new KataRule("starts no thread: the serial handler runs on its caller",
            noClasses().should().callConstructorWhere(target(owner(assignableTo(Thread.class))))
                    .orShould().callMethodWhere(target(owner(assignableTo(Thread.class)))
                            .and(target(nameMatching("start|startVirtualThread|ofVirtual|ofPlatform"))))
                    .orShould().dependOnClassesThat().haveNameMatching(
                            "java\\.util\\.concurrent\\.(Executor|Executors|ExecutorService|ThreadFactory"
                                    + "|CompletableFuture|ForkJoinPool|ForkJoinTask|StructuredTaskScope)(\\$.*)?")
                    .because("kata 01 is the baseline the later katas improve on: one call at a time, on the"
                            + " caller's thread, so its cost is n·110 ms. Concurrency comes in kata 02"));

    /**
     * Kata code uses only the katas' API ({@link KataApi}): the grader's class-file scan refuses a
     * submission that breaks this rule before any of its code runs, so the rule says it first.
     */
    public static final KataRule ONLY_THE_KATA_API = new KataRule(
            "uses only the katas' API: no reflection, files, network, processes or System.exit",
            classes().should(useOnlyTheKataApi())
                    .because("kata code may use java.util.concurrent, java.util, java.time, java.lang's ordinary"
                            + " classes, threads, System.Logger and the story, and nothing that reaches outside its"
                            + " JVM or around the tests; the grader refuses a submission that does (see the README's"
                            + " rules)"));

    /** The rules every kata keeps. */
    public static final List<KataRule> COMMON = List.of(
            NO_EXIT, NO_THREAD_STOP, NO_PRINT_STACK_TRACE, NO_COMMON_POOL, NO_TEST_DEPENDENCIES, ONLY_THE_KATA_API);

    private KataRules() {
    }

    private static DescribedPredicate<com.tngtech.archunit.core.domain.JavaMethodCall> asyncWithoutExecutor() {
        return DescribedPredicate.describe("a CompletableFuture ...Async method without an Executor", call -> {
            AccessTarget.MethodCallTarget t = call.getTarget();
            List<JavaClass> params = t.getRawParameterTypes();
            return t.getOwner().isAssignableTo(CompletionStage.class)
                    && t.getName().endsWith("Async")
                    && (params.isEmpty() || !params.getLast().isAssignableTo(java.util.concurrent.Executor.class));
        });
    }

    /**
     * Each use (a call, a method reference, a field access, a constructor, a supertype) that
     * {@link KataApi#refusal} refuses is a violation. A use whose owner is one of the checked
     * classes is judged where its member is declared: in the checked classes (allowed, their own
     * code is checked in turn) or in the first supertype outside them ({@code this.getContextClassLoader()}
     * in a subclass of {@code Thread} is {@code Thread}'s).
     */
    private static ArchCondition<JavaClass> useOnlyTheKataApi() {
        return new ArchCondition<>("use only the katas' API (KataApi)") {
            private final Map<String, JavaClass> checked = new HashMap<>();

            @Override
            public void init(Collection<JavaClass> allObjectsToTest) {
                allObjectsToTest.forEach(c -> checked.put(c.getName(), c));
            }

            @Override
            public void check(JavaClass c, ConditionEvents events) {
                c.getRawSuperclass().ifPresent(s -> judgeSupertype(c, s, events));
                c.getRawInterfaces().forEach(i -> judgeSupertype(c, i, events));
                for (JavaAccess<?> access : c.getAccessesFromSelf()) {
                    JavaClass owner = access.getTargetOwner();
                    String member = access.getTarget().getName();
                    Optional<String> refusal = refusal(owner, member);
                    refusal.ifPresent(why -> events.add(SimpleConditionEvent.violated(access,
                            access.getOrigin().getFullName() + " uses " + owner.getName() + "." + member + " in "
                                    + access.getSourceCodeLocation() + ": " + why)));
                }
            }

            private void judgeSupertype(JavaClass c, JavaClass supertype, ConditionEvents events) {
                if (!checked.containsKey(supertype.getName())) {
                    KataApi.refusal(supertype.getName(), "").ifPresent(why -> events.add(SimpleConditionEvent
                            .violated(c, c.getName() + " extends " + supertype.getName() + " in "
                                    + c.getSourceCodeLocation() + ": " + why)));
                }
            }

            private Optional<String> refusal(JavaClass owner, String member) {
                JavaClass at = owner.isArray() ? null : owner;
                String name = owner.isArray() ? "java.lang.Object" : owner.getName();
                while (at != null && checked.containsKey(at.getName())) {
                    if (declares(at, member)) {
                        return Optional.empty();
                    }
                    Optional<JavaClass> up = at.getRawSuperclass();
                    name = up.map(JavaClass::getName).orElse("java.lang.Object");
                    at = up.orElse(null);
                }
                return KataApi.refusal(name, member);
            }

            private static boolean declares(JavaClass c, String member) {
                return member.equals("<init>") || c.getFields().stream().anyMatch(f -> f.getName().equals(member))
                        || c.getMethods().stream().anyMatch(m -> m.getName().equals(member));
            }
        };
    }

    /**
     * The kata's main classes: its package on the classpath, without test classes.
     *
     * <p>The package's folders are asked of the class loader and imported as URLs, rather than with
     * {@code importPackages}: that one looks for the package in every module of the JDK's runtime
     * image too, which cost about half of all the CPU time of a kata's test run.
     */
    public static JavaClasses mainClassesOf(Kata kata) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = KataRules.class.getClassLoader();
        }
        List<URL> folders;
        try {
            folders = Collections.list(loader.getResources(kata.packageName().replace('.', '/')));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the package " + kata.packageName() + " on the classpath", e);
        }
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importUrls(folders);
    }

    /**
     * One dynamic test per rule, {@link #COMMON} first and then {@code extra}, each checking the
     * kata's main classes.
     */
    public static Stream<DynamicTest> check(Kata kata, KataRule... extra) {
        List<KataRule> rules = new ArrayList<>(COMMON);
        rules.addAll(List.of(extra));
        JavaClasses classes = mainClassesOf(kata);
        return rules.stream().map(r -> DynamicTest.dynamicTest(r.title(), () -> r.rule().check(classes)));
    }
}
