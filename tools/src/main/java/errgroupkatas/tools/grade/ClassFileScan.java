package errgroupkatas.tools.grade;

import errgroupkatas.support.KataApi;
import java.io.IOException;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.SourceFileAttribute;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.LoadableConstantEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.BootstrapMethodEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a submission's compiled classes with the JDK's ClassFile API, before any of them runs, and
 * lists every reason to refuse them:
 * <ul>
 *   <li>a use of an API that {@link KataApi} refuses (a call, a method reference, a field access, a
 *       constructor, a supertype, an {@code invokedynamic} bootstrap javac does not emit), named by
 *       class, method and source line;</li>
 *   <li>a class outside the kata's packages (it could stand in for a class of the harness, of the
 *       story or of a test library);</li>
 *   <li>a class with the name of one of the kata's pristine test classes (it would shadow that test).</li>
 * </ul>
 * The same allow-list is the kata rule {@code KataRules.ONLY_THE_KATA_API}, so a learner meets it in
 * {@code RulesTest} long before hand-in.
 */
final class ClassFileScan {

    private final Map<String, ClassModel> classes;

    private ClassFileScan(Map<String, ClassModel> classes) {
        this.classes = classes;
    }

    /**
     * The reasons to refuse the classes under {@code classesDir}, one line each, in class order;
     * empty when there are none.
     *
     * @param kataPackages    the packages the kata's code lives in (their subpackages are allowed too)
     * @param testClassNames  the binary names of the kata's pristine test classes
     */
    static List<String> refusals(Path classesDir, Set<String> kataPackages, Set<String> testClassNames)
            throws IOException {
        Map<String, ClassModel> models = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(classesDir)) {
            for (Path f : walk.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f)).toList()) {
                ClassModel model = ClassFile.of().parse(Files.readAllBytes(f));
                models.put(binaryName(model.thisClass()), model);
            }
        }
        ClassFileScan scan = new ClassFileScan(models);
        Set<String> refusals = new LinkedHashSet<>();
        models.forEach((name, model) -> scan.scan(name, model, kataPackages, testClassNames, refusals));
        return List.copyOf(refusals);
    }

    private void scan(String name, ClassModel model, Set<String> kataPackages, Set<String> testClassNames,
            Set<String> refusals) {
        String pkg = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
        if (kataPackages.stream().noneMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."))) {
            refusals.add(name + " is outside the kata's package (" + String.join(", ", kataPackages.stream()
                    .sorted().toList()) + "): kata code lives in the kata's package, where it cannot stand in for"
                    + " a class of the tests, the harness or the story");
        }
        if (testClassNames.contains(name)) {
            refusals.add(name + " has the name of one of the kata's tests: it would stand in for the pristine"
                    + " test (move it, or rename it)");
        }
        String source = model.findAttribute(java.lang.classfile.Attributes.sourceFile())
                .map(SourceFileAttribute::sourceFile).map(e -> e.stringValue()).orElse("?");
        model.superclass().ifPresent(s -> supertype(name, source, s, refusals));
        model.interfaces().forEach(i -> supertype(name, source, i, refusals));
        for (MethodModel method : model.methods()) {
            method.code().ifPresent(code -> {
                int line = -1;
                for (CodeElement e : code) {
                    if (e instanceof LineNumber ln) {
                        line = ln.line();
                    } else if (e instanceof Instruction i) {
                        String where = name + "." + method.methodName().stringValue() + " (" + source
                                + (line < 0 ? "" : ":" + line) + ")";
                        instruction(where, i, refusals);
                    }
                }
            });
        }
    }

    private void supertype(String name, String source, ClassEntry supertype, Set<String> refusals) {
        String s = binaryName(supertype);
        if (!classes.containsKey(s)) {
            KataApi.refusal(s, "").ifPresent(why -> refusals.add(name + " (" + source + ") extends " + s + ": " + why));
        }
    }

    private void instruction(String where, Instruction i, Set<String> refusals) {
        switch (i) {
            case InvokeInstruction invoke -> use(where, invoke.owner(), invoke.name().stringValue(), refusals);
            case FieldInstruction field -> use(where, field.owner(), field.name().stringValue(), refusals);
            case InvokeDynamicInstruction indy -> bootstrap(where, indy.invokedynamic().bootstrap(), refusals);
            case ConstantInstruction.LoadConstantInstruction ldc -> constant(where, ldc.constantEntry(), refusals);
            default -> {
            }
        }
    }

    private void bootstrap(String where, BootstrapMethodEntry bsm, Set<String> refusals) {
        MemberRefEntry ref = bsm.bootstrapMethod().reference();
        String name = binaryName(ref.owner()) + "." + ref.name().stringValue();
        if (!KataApi.JAVAC_BOOTSTRAPS.contains(name)) {
            refusals.add(where + " uses " + name + " as an invokedynamic bootstrap: method handles are refused,"
                    + " and javac emits no such bootstrap for ordinary Java");
        }
        for (LoadableConstantEntry arg : bsm.arguments()) {
            constant(where, arg, refusals);
        }
    }

    private void constant(String where, LoadableConstantEntry entry, Set<String> refusals) {
        switch (entry) {
            case MethodHandleEntry handle -> {
                MemberRefEntry ref = handle.reference();
                use(where, ref.owner(), ref.name().stringValue(), refusals);
            }
            case ConstantDynamicEntry condy -> bootstrap(where, condy.bootstrap(), refusals);
            default -> {
            }
        }
    }

    /** Judges a use of {@code member} of {@code owner}, where the member is declared. */
    private void use(String where, ClassEntry owner, String member, Set<String> refusals) {
        Optional<String> declaredIn = declaringOwner(owner, member);
        declaredIn.ifPresent(o -> KataApi.refusal(o, member)
                .ifPresent(why -> refusals.add(where + " uses " + o + "." + member + ": " + why)));
    }

    /**
     * The class to judge a use by: empty when the member is declared in the submission's own
     * classes (checked in turn), else the first supertype outside them (an array's members are
     * {@code Object}'s).
     */
    private Optional<String> declaringOwner(ClassEntry owner, String member) {
        if (owner.asSymbol().isArray()) {
            return Optional.of("java.lang.Object");
        }
        String name = binaryName(owner);
        while (classes.containsKey(name)) {
            ClassModel c = classes.get(name);
            if (member.equals("<init>") || declares(c, member)) {
                return Optional.empty();
            }
            name = c.superclass().map(ClassFileScan::binaryName).orElse("java.lang.Object");
        }
        return Optional.of(name);
    }

    private static boolean declares(ClassModel c, String member) {
        for (ClassElement e : c) {
            if (e instanceof MethodModel m && m.methodName().equalsString(member)
                    || e instanceof FieldModel f && f.fieldName().equalsString(member)) {
                return true;
            }
        }
        return false;
    }

    private static String binaryName(ClassEntry entry) {
        return entry.asInternalName().replace('/', '.');
    }

    /** Every class under {@code classesDir}, by binary name ({@code a.b.C$D}). */
    static Set<String> classNames(Path classesDir) throws IOException {
        Set<String> names = new java.util.TreeSet<>();
        if (!Files.isDirectory(classesDir)) {
            return names;
        }
        try (Stream<Path> walk = Files.walk(classesDir)) {
            walk.filter(f -> f.toString().endsWith(".class") && Files.isRegularFile(f)).forEach(f -> {
                String rel = classesDir.relativize(f).toString().replace(java.io.File.separatorChar, '.');
                names.add(rel.substring(0, rel.length() - ".class".length()));
            });
        }
        return names;
    }

    /** The packages of the classes under {@code classesDir} (a kata's stub: the kata's packages). */
    static Set<String> packages(Path classesDir) throws IOException {
        Set<String> packages = new java.util.TreeSet<>();
        for (String name : classNames(classesDir)) {
            packages.add(name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "");
        }
        return packages;
    }
}
