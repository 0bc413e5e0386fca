package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.Logger;
import java.util.List;
import java.util.Map;

/** A {@link Logger} that appends {@code "<level> <message>"} lines to a list (errors with their context). Tests only. */
public final class RecordingLogger implements Logger {
    private final List<String> lines;

    public RecordingLogger(List<String> lines) {
        this.lines = lines;
    }

    @Override
    public void debug(String m, Map<String, Object> c) {
        lines.add("debug " + m);
    }

    @Override
    public void info(String m, Map<String, Object> c) {
        lines.add("info " + m);
    }

    @Override
    public void warn(String m, Map<String, Object> c) {
        lines.add("warn " + m);
    }

    @Override
    public void error(String m, Map<String, Object> c) {
        lines.add("error " + m + " " + c);
    }
}
