package errgroupkatas.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rules of the kata's README (the numbered list under "The rules") that a test checks: the
 * kata's contract as data. Every test of a kata carries one, on the method or, for a class whose
 * tests all check the same rules, on the class.
 *
 * <p>The meta-check ({@code mvn verify -Psolutions}) reads these annotations from the test
 * sources and prints, per kata, rule → tests → rejected mistakes. It fails when a test names no
 * rule or a rule that does not exist, when a rule has no test, and when a rule has no planted
 * mistake that breaks it and is rejected. So a promise of the javadoc without a test, or a test
 * nobody can say the purpose of, is found by the build, not by a learner.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Checks {
    /** The numbers of the README's rules this test checks, e.g. {@code @Checks({4, 11})}. */
    int[] value();
}
