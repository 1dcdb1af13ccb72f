package errgroupkatas.errgroup;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import errgroupkatas.support.Checks;
import errgroupkatas.support.KataRules;
import errgroupkatas.support.KataRules.KataRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

@Order(3)
@Checks({14, 28})
@DisplayName("Kata 03 — rules the code keeps")
class RulesTest {

    /** Kata 03's own rule: the handler's threads are the group's. */
    static final KataRule HANDLER_USES_THE_GROUP = new KataRule(
            "the friends handler starts no thread of its own: its tasks run in an ErrGroup",
            noClasses().that().haveSimpleNameStartingWith("FriendsHandler")
                    .should().callConstructorWhere(target(owner(assignableTo(Thread.class))))
                    .orShould().callMethodWhere(target(owner(assignableTo(Thread.class)))
                            .and(target(nameMatching("start|startVirtualThread|ofVirtual|ofPlatform"))))
                    .orShould().dependOnClassesThat().haveNameMatching(
                            "java\\.util\\.concurrent\\.(Executor|Executors|ExecutorService|ThreadFactory"
                                    + "|CompletableFuture|ForkJoinPool|ForkJoinTask|StructuredTaskScope)(\\$.*)?")
                    .because("the point of the group is that every thread of the request belongs to it: it is"
                            + " cancelled with the group and joined by await(). A thread the handler starts on"
                            + " its own is one the first failure cannot stop"));

    @Tag("rules")
    @TestFactory
    @DisplayName("kata 03's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(ErrGroupTest.KATA, HANDLER_USES_THE_GROUP);
    }
}
