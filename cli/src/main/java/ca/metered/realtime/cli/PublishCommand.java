package ca.metered.realtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rms publish}: one publish through the Java SDK; exit 0 after the server's ack. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish one message to a channel; exits 0 after the server's ack.",
                "On failure prints 'rms: <code>: <message>' on stderr and exits 1 (2 for bad arguments)."})
final class PublishCommand implements Callable<Integer> {
    @Mixin
    ClientArgs client;

    @Option(names = "--channel", required = true, paramLabel = "CHANNEL", description = "channel to publish to")
    String channel;

    @Option(names = "--data", required = true, paramLabel = "JSON", description = "the message: any JSON value")
    String data;

    @Override
    public Integer call() {
        JsonNode payload = JsonArg.parse("--data", data);
        return OneShot.run(client, c -> c.publish(channel, payload));
    }
}
