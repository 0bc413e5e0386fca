package ca.metered.realtime.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ca.metered.realtime.protocol.Action;
import ca.metered.realtime.protocol.ChannelPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevConfigTest {

    @Test
    void createsThenReloadsIdenticalKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nested/dir/rms.yaml");

        ServerConfig first = DevConfig.loadOrCreate(file, Map.of(), new SecureRandom());
        ServerConfig second = DevConfig.loadOrCreate(file, Map.of(), new SecureRandom());

        assertThat(Files.exists(file)).isTrue();
        assertThat(second).isEqualTo(first);
        AppConfig dev = first.app("dev").orElseThrow();
        assertThat(first.server().host()).isEqualTo("127.0.0.1");
        assertThat(first.server().port()).isEqualTo(8080);
        PublishableKeyConfig pk = dev.publishableKeys().get(0);
        assertThat(pk.key()).matches("pk_live_[A-Za-z0-9_-]{22}");
        assertThat(pk.channels()).containsExactly(ChannelPattern.compile("**"));
        assertThat(pk.actions()).containsExactlyInAnyOrder(Action.values());
        SecretKeyConfig sk = dev.secretKeys().get(0);
        assertThat(sk.id()).matches("sk_id_[A-Za-z0-9]{16}");
        assertThat(sk.secret()).matches("sk_secret_[A-Za-z0-9_-]{32}");
        assertThat(sk.actions()).containsExactlyInAnyOrder(Action.values());
        try (var stream = Files.list(file.getParent())) {
            assertThat(stream).containsExactly(file); // no temp file left behind
        }
    }

    @Test
    void createdFileIsOwnerOnly(@TempDir Path dir) throws Exception {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path file = dir.resolve("rms.yaml");
        DevConfig.loadOrCreate(file, Map.of(), new SecureRandom());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void differentRandomnessGivesDifferentKeys() throws Exception {
        ServerConfig a = ConfigLoader.parse(DevConfig.render(new Random(1)), Map.of());
        ServerConfig b = ConfigLoader.parse(DevConfig.render(new Random(2)), Map.of());
        assertThat(a.apps().get(0).publishableKeys().get(0).key())
                .isNotEqualTo(b.apps().get(0).publishableKeys().get(0).key());
        assertThat(a.apps().get(0).secretKeys().get(0).secret())
                .isNotEqualTo(b.apps().get(0).secretKeys().get(0).secret());
    }

    @Test
    void existingFileIsLoadedNotOverwritten(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rms.yaml"), ConfigLoaderTest.SAMPLE);
        ServerConfig config = DevConfig.loadOrCreate(file, Map.of("RMS_PORT", "9999"), new SecureRandom());
        assertThat(config.app("demo")).isPresent();
        assertThat(config.server().port()).isEqualTo(9999);
        assertThat(Files.readString(file)).isEqualTo(ConfigLoaderTest.SAMPLE);
    }
}
