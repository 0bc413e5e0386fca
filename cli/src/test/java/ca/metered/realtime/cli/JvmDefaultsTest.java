package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.VMOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JvmDefaultsTest {

    @Test
    void theJarCarriesTheFileTheLaunchersRead() throws Exception {
        // The cli module is built from cli/: the launchers' file is ../dist/jvm.options.
        String file = Files.readString(Path.of("..", "dist", "jvm.options"), StandardCharsets.UTF_8);
        assertThat(JvmDefaults.shipped()).isEqualTo(JvmDefaults.parse(file)).contains("-XX:FreqInlineSize=50", "-XX:InlineSmallCode=1000", "-XX:+UseTransparentHugePages");
        assertThat(JvmDefaults.shipped()).allSatisfy(o -> assertThat(o).doesNotContain(" ").startsWith("-"));
    }

    @Test
    void parseSkipsCommentsAndBlankLinesAndTrims() {
        assertThat(JvmDefaults.parse("# a comment\n\n  -XX:+UseSerialGC  \n-Xss512k\n   # indented comment\n-XX:Foo=1"))
                .containsExactly("-XX:+UseSerialGC", "-Xss512k", "-XX:Foo=1");
        assertThat(JvmDefaults.parse("")).isEmpty();
    }

    @Test
    void saysWhetherEachOptionIsInEffectAndWhy() {
        Map<String, VMOption> vm = Map.of(
                "TieredStopAtLevel", new VMOption("TieredStopAtLevel", "1", true, VMOption.Origin.VM_CREATION),
                "UseSerialGC", new VMOption("UseSerialGC", "false", true, VMOption.Origin.DEFAULT),
                "UseG1GC", new VMOption("UseG1GC", "false", true, VMOption.Origin.VM_CREATION),
                "AlwaysPreTouch", new VMOption("AlwaysPreTouch", "false", true, VMOption.Origin.DEFAULT));
        String line = JvmDefaults.describe(
                List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+UseG1GC", "-XX:-AlwaysPreTouch",
                        "-XX:NoSuchOption=3", "-Xss512k"),
                name -> Optional.ofNullable(vm.get(name)));
        assertThat(line).isEqualTo("TieredStopAtLevel=1 (rms default), "
                + "UseSerialGC=false (not the rms default true: start with bin/rms or add -XX:+UseSerialGC), "
                + "UseG1GC=false (set on the command line; rms default: true), "
                + "AlwaysPreTouch=false (rms default), "
                + "-XX:NoSuchOption=3 (not an option of this JVM), "
                + "-Xss512k (not checked)");
    }
}
