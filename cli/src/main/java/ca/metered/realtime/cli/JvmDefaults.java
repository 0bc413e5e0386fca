package ca.metered.realtime.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rms's default JVM options: {@code dist/jvm.options} in the source tree, {@code lib/jvm.options}
 * in a release, one option a line. The launchers ({@code bin/rms}, {@code ./rms}) put them on the
 * java command line in front of {@code RMS_JAVA_OPTS}, so an option there wins. They cannot be set
 * from inside a running JVM (the JIT's settings are fixed at start), so {@code java -jar rms.jar
 * serve} runs without them; {@code rms serve} logs at start, in one line, which of them are in
 * effect, so that such a start is visible (docs/operations.md, "JVM options").
 *
 * <p>Only {@code -XX:} options are checked (against the JVM's values); other lines are listed as
 * not checked. Not thread-safe: called once, at start.
 */
final class JvmDefaults {
    private static final Logger log = LoggerFactory.getLogger(JvmDefaults.class);

    /** The same file as dist/jvm.options, copied into the jar by the cli module's build. */
    static final String RESOURCE = "jvm.options";

    private JvmDefaults() {
    }

    /** The options of a jvm.options text: one a line, blank lines and {@code #} comments skipped. */
    static List<String> parse(String text) {
        List<String> options = new ArrayList<>();
        for (String line : text.split("\n")) {
            String option = line.strip();
            if (!option.isEmpty() && !option.startsWith("#")) {
                options.add(option);
            }
        }
        return options;
    }

    /** The options shipped in the jar (empty if the jar was built without them). */
    static List<String> shipped() {
        try (InputStream in = JvmDefaults.class.getResourceAsStream(RESOURCE)) {
            return in == null ? List.of() : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs what {@link #describe} says of this JVM. */
    static void log() {
        List<String> options = shipped();
        if (options.isEmpty()) {
            return;
        }
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        log.info("JVM options: {}", describe(options, name -> {
            try {
                return Optional.of(vm.getVMOption(name));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not an option of this JVM
            }
        }));
    }

    /**
     * One entry per option, e.g. {@code "FreqInlineSize=50 (rms default)"},
     * {@code "FreqInlineSize=325 (set on the command line; rms default: 50)"} or
     * {@code "FreqInlineSize=325 (not the rms default 50: start with bin/rms or add -XX:FreqInlineSize=50)"}.
     */
    static String describe(List<String> options, Function<String, Optional<VMOption>> lookup) {
        List<String> out = new ArrayList<>();
        for (String option : options) {
            out.add(check(option, lookup));
        }
        return String.join(", ", out);
    }

    private static String check(String option, Function<String, Optional<VMOption>> lookup) {
        if (!option.startsWith("-XX:") || option.length() < 6) {
            return option + " (not checked)";
        }
        String body = option.substring(4);
        String name;
        String value;
        if (body.startsWith("+") || body.startsWith("-")) {
            name = body.substring(1);
            value = Boolean.toString(body.charAt(0) == '+');
        } else if (body.indexOf('=') > 0) {
            name = body.substring(0, body.indexOf('='));
            value = body.substring(body.indexOf('=') + 1);
        } else {
            return option + " (not checked)";
        }
        Optional<VMOption> found = lookup.apply(name);
        if (found.isEmpty()) {
            return option + " (not an option of this JVM)";
        }
        VMOption vm = found.get();
        if (vm.getValue().equals(value)) {
            return name + "=" + value + " (rms default)";
        }
        if (vm.getOrigin() == VMOption.Origin.VM_CREATION) {
            return name + "=" + vm.getValue() + " (set on the command line; rms default: " + value + ")";
        }
        return name + "=" + vm.getValue() + " (not the rms default " + value + ": start with bin/rms or add " + option + ")";
    }
}
