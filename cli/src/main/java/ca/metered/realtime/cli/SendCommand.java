package ca.metered.realtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rms send}: one direct message through the Java SDK; exit 0 after the server's ack. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send one direct message to every connection of a peer; exits 0 after the server's ack.",
                "On failure (e.g. peer_not_found) prints 'rms: <code>: <message>' on stderr and exits 1 (2 for bad arguments)."})
final class SendCommand implements Callable<Integer> {
    @Mixin
    ClientArgs client;

    @Option(names = "--to", required = true, paramLabel = "PEER_ID", description = "the receiving peerId")
    String to;

    @Option(names = "--data", required = true, paramLabel = "JSON", description = "the message: any JSON value")
    String data;

    @Override
    public Integer call() {
        JsonNode payload = JsonArg.parse("--data", data);
        return OneShot.run(client, c -> c.send(to, payload));
    }
}
