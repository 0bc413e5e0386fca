package ca.metered.realtime.peer.webrtc;

import java.net.NetworkInterface;
import java.net.SocketException;

/**
 * Guards the real-WebRTC tests: they must run in the private network namespace the Failsafe
 * {@code <jvm>} wrapper ({@code scripts/netns/bin/java}) creates, never against the machine's own
 * interfaces. Failing here (not skipping) keeps a broken setup visible.
 */
final class Netns {
    private Netns() {
    }

    static void require() {
        try {
            NetworkInterface v0 = NetworkInterface.getByName("v0");
            if (!"1".equals(System.getenv("RMS_NETNS")) || v0 == null || !v0.isUp()) {
                throw new AssertionError("not inside the test network namespace (v0 missing): run through "
                        + "'mvn verify', whose Failsafe <jvm> is scripts/netns/bin/java (needs root and iproute2)");
            }
        } catch (SocketException e) {
            throw new AssertionError("cannot list network interfaces", e);
        }
    }
}
