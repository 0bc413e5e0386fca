package ca.metered.realtime.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one workload run against one server: printed for a person, and appended as one
 * JSON line to a results file that {@code rms-bench report} turns into side-by-side tables.
 *
 * <p>Not thread-safe; filled by the workload's main thread.
 */
public final class Result {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One measured value; {@code key} is stable across runs, {@code label} is for people. */
    public record Figure(String key, String label, String unit, double value) {
    }

    private final String workload;
    private final String server;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    public Result(String workload, String server) {
        this.workload = workload;
        this.server = server;
    }

    /** A parameter of the run; runs with equal parameters are compared in one table. */
    public Result param(String name, Object value) {
        params.put(name, value);
        return this;
    }

    public Result figure(String key, String label, String unit, double value) {
        figures.put(key, new Figure(key, label, unit, value));
        return this;
    }

    /** Free text that does not aggregate (a failure, a warning). */
    public Result note(String key, String text) {
        notes.put(key, text);
        return this;
    }

    public Map<String, Figure> figures() {
        return figures;
    }

    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "== %s against %s %s%n", workload, server, params);
        for (Figure f : figures.values()) {
            out.printf(Locale.ROOT, "  %-52s %14s %s%n", f.label(), format(f.value()), f.unit());
        }
        notes.forEach((k, v) -> out.printf(Locale.ROOT, "  note %s: %s%n", k, v));
    }

    /** Appends this result as one JSON line. */
    public void append(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("time", Instant.now().toString());
        root.put("workload", workload);
        root.put("server", server);
        root.set("params", JSON.valueToTree(params));
        ObjectNode fs = root.putObject("figures");
        for (Figure f : figures.values()) {
            ObjectNode o = fs.putObject(f.key());
            o.put("label", f.label());
            o.put("unit", f.unit());
            o.put("value", f.value());
        }
        root.set("notes", JSON.valueToTree(notes));
        Files.writeString(file, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Three significant figures, without exponent notation for the ranges we print. */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 1000 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
