package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReloaderTest {
    private static final String ONE_APP = "apps:\n  - id: a\n";
    private static final String TWO_APPS = "apps:\n  - id: a\n  - id: b\n";

    @TempDir
    Path dir;

    private ConfigReloader reloaderOn(Path file) throws Exception {
        ServerConfig initial = ConfigLoader.load(file, Map.of());
        return new ConfigReloader(initial, Optional.of(() -> ConfigLoader.load(file, Map.of())),
                c -> c.withServer(c.server().withPort(0)));
    }

    @Test
    void aValidFileBecomesTheRunningConfigurationAndListenersHearWhatChanged() throws Exception {
        Path file = dir.resolve("rms.yaml");
        Files.writeString(file, ONE_APP);
        ConfigReloader reloader = reloaderOn(file);
        List<ConfigChange> heard = new ArrayList<>();
        reloader.addListener((previous, current, change) -> {
            assertThat(previous.app("b")).isEmpty();
            assertThat(current.app("b")).isPresent();
            assertThat(reloader.current()).isSameAs(current);
            heard.add(change);
        });

        Files.writeString(file, TWO_APPS);
        ConfigReloader.Result result = reloader.reload();

        assertThat(result.applied()).isTrue();
        assertThat(result.describe()).isEqualTo("applied: apps added b");
        assertThat(heard).singleElement().satisfies(c -> assertThat(c.appsAdded()).containsExactly("b"));
        assertThat(reloader.current().app("b")).isPresent();
        assertThat(reloader.current().server().port()).as("the command-line override applies to the reloaded file").isZero();
    }

    @Test
    void anInvalidFileIsRefusedWithTheStartupMessageAndTheOldConfigurationStays() throws Exception {
        Path file = dir.resolve("rms.yaml");
        Files.writeString(file, ONE_APP);
        ConfigReloader reloader = reloaderOn(file);
        ServerConfig before = reloader.current();
        List<ConfigChange> heard = new ArrayList<>();
        reloader.addListener((p, c, change) -> heard.add(change));

        String broken = "apps:\n  - id: a\n    limits:\n      messageRate: -1\n";
        Files.writeString(file, broken);
        String startupError;
        try {
            ConfigLoader.load(file, Map.of());
            throw new AssertionError("expected the file to be invalid");
        } catch (ConfigException e) {
            startupError = e.getMessage();
        }
        ConfigReloader.Result result = reloader.reload();

        assertThat(result.applied()).isFalse();
        assertThat(result.error()).contains(startupError);
        assertThat(startupError).isEqualTo(file + ": apps[0].limits.messageRate: must be > 0").doesNotContain("\n");
        assertThat(reloader.current()).isSameAs(before);
        assertThat(heard).isEmpty();

        Files.delete(file);
        assertThat(reloader.reload().error()).contains("config file not found: " + file);
        assertThat(reloader.current()).isSameAs(before);
    }

    @Test
    void withoutAFileEveryReloadIsRefused() throws Exception {
        ConfigReloader fixed = ConfigReloader.fixed(ConfigLoader.parse(ONE_APP, Map.of()));
        assertThat(fixed.canReload()).isFalse();
        assertThat(fixed.reload().error()).contains("this server was started without --config; there is no file to reload");
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() throws Exception {
        Path file = dir.resolve("rms.yaml");
        Files.writeString(file, ONE_APP);
        ConfigReloader reloader = reloaderOn(file);
        List<String> heard = new ArrayList<>();
        reloader.addListener((p, c, change) -> {
            throw new IllegalStateException("listener bug");
        });
        reloader.addListener((p, c, change) -> heard.add(change.summary()));
        Files.writeString(file, TWO_APPS);
        assertThat(reloader.reload().applied()).isTrue();
        assertThat(heard).containsExactly("apps added b");
    }
}
