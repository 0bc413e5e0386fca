package ca.metered.realtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code listen}/{@code publish}/{@code send} argument handling: every mistake is one line on
 * stderr with exit 2, found before any connection is attempted (the URL points nowhere).
 */
class ClientCommandsTest {
    private static final String NOWHERE = "ws://127.0.0.1:1";

    private static void usageError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as("exit code; stderr %s", run.err()).isEqualTo(2);
        assertThat(run.errLines()).as("stderr").hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("rms: ").contains(fragments).doesNotContain("Exception");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void publishRejectsDataThatIsNotJson() {
        usageError(CliRun.of("publish", "--url", NOWHERE, "--key", "pk_x", "--channel", "c", "--data", "{a:1}"),
                "--data is not valid JSON");
    }

    @Test
    void sendRejectsTrailingGarbageAfterTheJsonValue() {
        usageError(CliRun.of("send", "--url", NOWHERE, "--key", "pk_x", "--to", "p", "--data", "{} {}"),
                "--data is not valid JSON");
    }

    @Test
    void emptyDataIsAUsageError() {
        usageError(CliRun.of("publish", "--url", NOWHERE, "--key", "pk_x", "--channel", "c", "--data", " "),
                "--data must be a JSON value");
    }

    @Test
    void keyAndTokenAreMutuallyExclusive() {
        usageError(CliRun.of("publish", "--url", NOWHERE, "--key", "pk_x", "--token", "t", "--channel", "c",
                "--data", "1"), "mutually exclusive");
    }

    @Test
    void oneOfKeyOrTokenIsRequired() {
        usageError(CliRun.of("listen", "--url", NOWHERE, "--channel", "c"), "--key", "--token");
    }

    @Test
    void urlIsRequired() {
        usageError(CliRun.of("send", "--key", "pk_x", "--to", "p", "--data", "1"), "--url");
    }

    @Test
    void listenNeedsAtLeastOneChannel() {
        usageError(CliRun.of("listen", "--url", NOWHERE, "--key", "pk_x"), "--channel");
    }

    @Test
    void urlWithAPathIsRejectedByTheSdksValidation() {
        usageError(CliRun.of("publish", "--url", "ws://127.0.0.1:1/v1", "--key", "pk_x", "--channel", "c",
                "--data", "1"), "url");
    }

    @Test
    void plainWsToARemoteHostIsRejected() {
        usageError(CliRun.of("listen", "--url", "ws://example.com", "--key", "pk_x", "--channel", "c"), "only allowed for localhost");
    }

    @Test
    void dataMayBeAnyJsonValueIncludingScalars() {
        assertThat(JsonArg.parse("--data", "\"hi\"").asText()).isEqualTo("hi");
        assertThat(JsonArg.parse("--data", "null").isNull()).isTrue();
        assertThat(JsonArg.parse("--data", "[1,2]").size()).isEqualTo(2);
        assertThat(JsonArg.parse("--data", "42").asInt()).isEqualTo(42);
    }

    @Test
    void benchRejectsAnUnknownRole() {
        usageError(CliRun.of("bench", "throughput", "--url", NOWHERE, "--key", "pk_x", "--role", "spectator"),
                "--role");
    }

    @Test
    void helpListsTheClientCommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.out()).contains("listen", "publish", "send", "bench");
    }
}
