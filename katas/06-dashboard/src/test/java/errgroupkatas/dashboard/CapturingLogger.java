package errgroupkatas.dashboard;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A {@link System.Logger} that keeps every entry it is given, at every level, so a test can assert
 * what the kata code logged. Thread-safe.
 */
final class CapturingLogger implements System.Logger {

    /** One logged entry: its level, its message (parameters filled in) and its exception, if any. */
    record Entry(Level level, String message, Throwable thrown) {
        @Override
        public String toString() {
            return level + " \"" + message + "\"" + (thrown == null ? "" : " with " + thrown);
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
        return "dashboard-test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        entries.add(new Entry(level, String.valueOf(message), thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        String message = params == null || params.length == 0 ? String.valueOf(format)
                : MessageFormat.format(String.valueOf(format), params);
        Throwable thrown = params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t
                ? t : null;
        entries.add(new Entry(level, message, thrown));
    }

    /** Every entry so far, in order. */
    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The entries at {@code level}. */
    List<Entry> at(Level level) {
        return entries.stream().filter(e -> e.level() == level).toList();
    }

    /** The entries, one a line, for failure messages. */
    String dump() {
        return entries.isEmpty() ? "  (nothing was logged)"
                : entries.stream().map(e -> "  " + e).collect(Collectors.joining("\n"));
    }
}
