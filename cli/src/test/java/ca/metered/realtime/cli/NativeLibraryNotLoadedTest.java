package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Only {@code rms peer echo} may load libwebrtc: parsing and the other commands must not. */
class NativeLibraryNotLoadedTest {

    @Test
    void helpAndCommandParsingNeverMapTheWebRtcLibrary() throws Exception {
        CliRun.of("--help");
        CliRun.of("peer", "--help");
        CliRun.of("peer", "echo", "--help");
        CliRun.of("peer", "echo", "--url", "ws://127.0.0.1:1"); // missing credentials: a usage error
        CliRun.of("token", "--help");
        CliRun.of("serve", "--help");
        assertThat(Files.readString(Path.of("/proc/self/maps"))).doesNotContain("webrtc");
    }
}
