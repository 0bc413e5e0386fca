package ca.metered.realtime.cli;

import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rms peer echo}: joins a channel as a MeteredPeer and echoes everything back to its
 * sender. Only this command touches WebRTC: the work is in {@link PeerEcho}, whose first use loads
 * the native library, so {@code rms serve}/{@code rms token} never do.
 */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "Join a channel as a WebRTC peer and, until stopped (Ctrl-C / SIGTERM), send back to its "
                + "sender every 'data' message (broadcast or direct) and every message on any data channel a remote "
                + "peer opens to it. Answers 'is my WebRTC path working?'.")
final class PeerEchoCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, paramLabel = "URL", description = "server origin, e.g. ws://127.0.0.1:8080")
    String url;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Credentials credentials;

    static final class Credentials {
        @Option(names = "--key", paramLabel = "K", description = "publishable key (pk_…)")
        String key;

        @Option(names = "--token", paramLabel = "T", description = "JWT (rms token)")
        String token;
    }

    @Option(names = "--channel", required = true, paramLabel = "C", description = "channel to join")
    String channel;

    @Option(names = "--events", description = "also print remote peers' events (joined, peer-joined/left, "
            + "connected with the selected candidate types, data-channel, stream-added with its metadata, "
            + "stream-removed) as JSON lines")
    boolean events;

    @Option(names = "--relay-only", description = "use only relay (TURN) candidates, as a browser's "
            + "iceTransportPolicy 'relay': proves the TURN server from the welcome's iceServers works")
    boolean relayOnly;

    @Override
    public Integer call() throws InterruptedException {
        return PeerEcho.run(url, credentials.key, credentials.token, channel, events,
                relayOnly ? IceTransportPolicy.RELAY : IceTransportPolicy.ALL, System.out);
    }
}
