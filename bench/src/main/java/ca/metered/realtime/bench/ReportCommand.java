package ca.metered.realtime.bench;

import ca.metered.realtime.bench.load.Result;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code rms-bench report FILE…}: the results files of several runs as Markdown tables, one per
 * workload and parameter set, one column per server, each cell the median over the runs with the
 * range and the number of runs.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Side-by-side Markdown tables (medians over runs) from --json results files.")
final class ReportCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        // group (workload + params) -> server -> figure key -> values; labels kept from the first seen
        Map<String, Map<String, Map<String, List<Double>>>> groups = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                String group = n.get("workload").asText() + " " + params(n.get("params"));
                Map<String, List<Double>> byFigure = groups.computeIfAbsent(group, g -> new LinkedHashMap<>())
                        .computeIfAbsent(n.get("server").asText(), s -> new LinkedHashMap<>());
                for (Iterator<Map.Entry<String, JsonNode>> it = n.get("figures").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    // Labels per group: one key may read differently in two workloads.
                    labels.putIfAbsent(group + "/" + e.getKey(), e.getValue().get("label").asText());
                    units.putIfAbsent(group + "/" + e.getKey(), e.getValue().get("unit").asText());
                    byFigure.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue().get("value").asDouble());
                }
            }
        }
        print(System.out, groups, labels, units);
        return 0;
    }

    private static String params(JsonNode p) {
        List<String> parts = new ArrayList<>();
        p.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", parts);
    }

    /**
     * The rows of a table: every server's figures, each in the order its server reported them. A
     * figure only one server has (rms's JIT share, its live heap) goes right after the figure
     * that server reported before it, not to the end of the table.
     */
    static List<String> rowOrder(List<? extends Collection<String>> byServer) {
        List<String> keys = new ArrayList<>();
        for (Collection<String> order : byServer) {
            int at = 0;
            for (String k : order) {
                int i = keys.indexOf(k);
                if (i >= 0) {
                    at = Math.max(at, i + 1);
                } else {
                    keys.add(at++, k);
                }
            }
        }
        return keys;
    }

    private static void print(PrintStream out, Map<String, Map<String, Map<String, List<Double>>>> groups,
                              Map<String, String> labels, Map<String, String> units) {
        for (var group : groups.entrySet()) {
            List<String> servers = new ArrayList<>(group.getValue().keySet());
            out.println("### " + group.getKey());
            out.println();
            StringBuilder head = new StringBuilder("| |");
            StringBuilder rule = new StringBuilder("|---|");
            for (String s : servers) {
                int runs = group.getValue().get(s).values().stream().mapToInt(List::size).max().orElse(0);
                head.append(' ').append(s).append(" (").append(runs).append(runs == 1 ? " run" : " runs").append(") |");
                rule.append("---|");
            }
            out.println(head);
            out.println(rule);
            List<String> keys = rowOrder(group.getValue().values().stream().map(Map::keySet).toList());
            for (String k : keys) {
                String unit = units.get(group.getKey() + "/" + k);
                StringBuilder row = new StringBuilder("| ")
                        .append(rowLabel(labels.get(group.getKey() + "/" + k), unit)).append(" |");
                for (String s : servers) {
                    List<Double> v = group.getValue().get(s).get(k);
                    row.append(' ').append(v == null ? "—" : cell(v)).append(" |");
                }
                out.println(row);
            }
            out.println();
        }
    }

    /**
     * A row's label with its unit in brackets, unless it has none, is a rate (the label says "/s"),
     * or the label already names it in brackets ("(cores busy)", "(cores)").
     */
    static String rowLabel(String label, String unit) {
        if (unit.isEmpty() || unit.equals("1/s") || label.contains("(" + unit)) {
            return label;
        }
        return label + " (" + unit + ")";
    }

    /** Median, and the range when there are several runs. */
    static String cell(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(Double::compare);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        if (n == 1) {
            return Result.format(median);
        }
        return String.format(Locale.ROOT, "**%s** (%s–%s)", Result.format(median), Result.format(v.get(0)),
                Result.format(v.get(n - 1)));
    }
}
