package ca.metered.realtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rms peer}: WebRTC peers on the command line (today: {@code echo}). */
@Command(name = "peer", mixinStandardHelpOptions = true, description = "WebRTC peers (MeteredPeer) for diagnostics.",
        subcommands = {PeerEchoCommand.class})
final class PeerCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
