package errgroupkatas.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A cost benchmark: one call spawns and awaits {@link #tasks()} trivial tasks. {@link BenchMain}
 * reports its mean time per task, and its ratio to the benchmark of the same class marked
 * {@link #baseline()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface PerTask {

    /** What is measured, e.g. {@code "ErrGroup (kata 03): go() each, await()"}. */
    String label();

    /** How many tasks one call runs. */
    int tasks();

    /** Whether the others of its class are compared with this one. */
    boolean baseline() default false;
}
