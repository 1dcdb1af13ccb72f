package errgroupkatas.support;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every live thread of this JVM, platform and virtual, with its stack: read from the JDK's JSON
 * thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}), the one view that lists virtual
 * threads however they were made ({@code Thread.getAllStackTraces()} and {@code ThreadMXBean} do
 * not see them).
 */
final class ThreadDump {

    /** One thread of a dump. {@code platform} is null for a virtual thread. */
    record DumpedThread(long tid, String name, boolean virtual, String container, List<String> stack,
            Thread platform) {

        /** Whether any frame runs code of {@code packageName} (or its subpackages). */
        boolean runs(String packageName) {
            String prefix = packageName + ".";
            return stack.stream().anyMatch(f -> frameClass(f).startsWith(prefix));
        }

        String describe() {
            return (virtual ? "virtual thread" : "platform thread") + " #" + tid
                    + (name.isEmpty() ? "" : " \"" + name + "\"");
        }
    }

    private static final HotSpotDiagnosticMXBean BEAN =
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("kata-thread-dumps");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ThreadDump() {
    }

    /** Takes a dump of every live thread now. */
    static List<DumpedThread> take() {
        // dumpThreads refuses a path that exists, so each dump gets a fresh name.
        Path file = DIR.resolve("dump-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".json");
        Map<Long, Thread> platform = new HashMap<>();
        for (Thread t : platformThreads()) {
            platform.put(t.threadId(), t);
        }
        try {
            BEAN.dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(file);
            return parse(json, platform);
        } catch (IOException e) {
            throw new UncheckedIOException("could not take a thread dump", e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    /**
     * The live platform threads, from the root thread group: what {@code Thread.getAllStackTraces()}
     * lists, without walking every stack (the JSON dump has the stacks).
     */
    private static List<Thread> platformThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2]; // more were started meanwhile: ask again
        }
        return Arrays.asList(threads).subList(0, n);
    }

    @SuppressWarnings("unchecked")
    static List<DumpedThread> parse(String json, Map<Long, Thread> platform) {
        Map<String, Object> root = (Map<String, Object>) new Json(json).value();
        Map<String, Object> dump = (Map<String, Object>) root.get("threadDump");
        List<DumpedThread> threads = new ArrayList<>();
        for (Object c : (List<Object>) dump.get("threadContainers")) {
            Map<String, Object> container = (Map<String, Object>) c;
            String containerName = String.valueOf(container.get("container"));
            for (Object t : (List<Object>) container.getOrDefault("threads", List.of())) {
                Map<String, Object> thread = (Map<String, Object>) t;
                long tid = Long.parseLong(String.valueOf(thread.get("tid")));
                boolean virtual = Boolean.TRUE.equals(thread.get("virtual"));
                List<String> stack = new ArrayList<>();
                for (Object f : (List<Object>) thread.getOrDefault("stack", List.of())) {
                    stack.add(String.valueOf(f));
                }
                threads.add(new DumpedThread(tid, String.valueOf(thread.getOrDefault("name", "")), virtual,
                        containerName, List.copyOf(stack), virtual ? null : platform.get(tid)));
            }
        }
        return threads;
    }

    /** The class part of a frame such as {@code java.base/java.lang.Thread.sleep(Thread.java:1)}. */
    static String frameClass(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        int slash = method.lastIndexOf('/');
        return slash < 0 ? method : method.substring(slash + 1);
    }

    /**
     * A minimal reader of the JSON the thread dump writes (objects, arrays, strings, numbers,
     * booleans, null). Hand-written because the JDK has no public JSON API and the dump's format is
     * small and fixed; a JSON library on every kata's test classpath would cost more than this.
     */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            char c = s.charAt(i);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (s.charAt(i) == '}') {
                i++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (s.charAt(i++) == '}') {
                    return map;
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            i++;
            skipSpace();
            if (s.charAt(i) == ']') {
                i++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (s.charAt(i++) == ']') {
                    return list;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("unexpected '" + s.charAt(i) + "' at " + i + " in thread dump");
            }
            return s.substring(start, i);
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw new IllegalArgumentException("expected " + word + " at " + i + " in thread dump");
            }
            i += word.length();
            return value;
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + " in thread dump");
            }
            i++;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
