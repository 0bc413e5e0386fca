package ca.metered.realtime.cli;

import ca.metered.realtime.client.SignallingClientOptions;
import ca.metered.realtime.client.TokenProvider;
import ca.metered.realtime.peer.MeteredPeer;
import ca.metered.realtime.peer.MeteredPeerOptions;
import ca.metered.realtime.peer.PeerEvent;
import ca.metered.realtime.peer.RemotePeer;
import ca.metered.realtime.peer.RemotePeerEvent;
import ca.metered.realtime.peer.RemotePeerState;
import ca.metered.realtime.peer.rtc.DataChannelState;
import ca.metered.realtime.peer.rtc.IceTransportPolicy;
import ca.metered.realtime.peer.rtc.RtcDataChannel;
import ca.metered.realtime.peer.rtc.RtcDataChannelObserver;
import ca.metered.realtime.peer.rtc.MediaStream;
import ca.metered.realtime.peer.webrtc.SelectedCandidatePair;
import ca.metered.realtime.peer.webrtc.WebRtcJavaBinding;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import sun.misc.Signal;

/**
 * The echo peer behind {@code rms peer echo}. Prints one line per event worth seeing (joined,
 * peer joined/left, channel opened) and exits 0 on SIGTERM/SIGINT, 1 if the peer closes on its
 * own (a fatal error, e.g. a rejected key). With {@code events}, also prints remote peers' events
 * as JSON lines (see {@link EventLines}), for tests and scripts driving it from outside.
 */
final class PeerEcho {
    private PeerEcho() {
    }

    static int run(String url, String key, String token, String channel, PrintStream out) throws InterruptedException {
        return run(url, key, token, channel, false, IceTransportPolicy.ALL, out);
    }

    static int run(String url, String key, String token, String channel, boolean events, IceTransportPolicy policy,
                   PrintStream out) throws InterruptedException {
        EventLines json = new EventLines(out, events);
        SignallingClientOptions.Builder s = SignallingClientOptions.builder();
        try {
            s.url(url);
        } catch (IllegalArgumentException e) {
            throw new CliException("--url: " + e.getMessage(), 2);
        }
        if (key != null) {
            s.apiKey(key);
        } else {
            s.tokenProvider(() -> CompletableFuture.completedFuture(token));
        }
        WebRtcJavaBinding rtc;
        try {
            rtc = new WebRtcJavaBinding();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new CliException("cannot load WebRTC (webrtc-java): " + e.getMessage()
                    + " - on Debian/Ubuntu install libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3", 1);
        }
        CountDownLatch stop = new CountDownLatch(1);
        int[] exit = {0};
        MeteredPeer peer = MeteredPeer.create(MeteredPeerOptions.builder(s.build()).rtcPeerConnectionFactory(rtc)
                .iceTransportPolicy(policy).build());
        try {
            Signal.handle(new Signal("TERM"), sig -> stop.countDown());
            Signal.handle(new Signal("INT"), sig -> stop.countDown());
            peer.on(PeerEvent.Data.class, e -> peer.sendTo(e.senderPeerId(), e.data()).exceptionally(err -> {
                out.println("echo to " + e.senderPeerId() + " failed: " + err.getMessage());
                return null;
            }));
            peer.on(PeerEvent.PeerJoined.class, e -> {
                out.println("peer-joined " + e.peer().id());
                json.peerJoined(e.peer());
                reportPath(e.peer(), out, json);
                echoChannels(e.peer(), out, json);
            });
            peer.on(PeerEvent.PeerLeft.class, e -> {
                out.println("peer-left " + e.peer().id());
                json.peer("peer-left", e.peer().id());
            });
            peer.on(PeerEvent.Error.class, e -> out.println("error " + e.error().code() + ": " + e.error().getMessage()));
            peer.on(PeerEvent.Left.class, e -> {
                if (stop.getCount() > 0) {
                    exit[0] = 1;
                    stop.countDown();
                }
            });
            try {
                peer.join(channel).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new CliException("join failed: " + e.getCause().getMessage(), 1);
            } catch (TimeoutException e) {
                throw new CliException("join timed out after 30 s", 1);
            }
            json.joined(peer.peerId(), channel);
            out.println("rms peer echo: joined " + channel + " as " + peer.peerId() + " (Ctrl-C to stop)");
            out.flush();
            stop.await();
            return exit[0];
        } finally {
            peer.close();
            rtc.close();
            out.flush();
        }
    }

    /**
     * Prints the candidate pair ICE selected each time the connection to {@code remote} connects:
     * whether the traffic goes through a TURN relay (docs/turn.md).
     */
    private static void reportPath(RemotePeer remote, PrintStream out, EventLines json) {
        remote.on(RemotePeerEvent.StateChange.class, e -> {
            if (e.to() != RemotePeerState.CONNECTED) {
                return;
            }
            SelectedCandidatePair.of(remote.peerConnection()).thenAccept(pair -> pair.ifPresent(p -> {
                out.println("connected " + remote.id() + " via " + p.local().type() + " " + p.local().address() + ":"
                        + p.local().port() + " <-> " + p.remote().type() + " " + p.remote().address() + ":"
                        + p.remote().port() + (p.relayed() ? " (through a TURN relay)" : ""));
                json.connected(remote.id(), p);
            }));
        });
    }

    /**
     * Echoes on every channel the remote opens to us (again after a reset re-opens them). Works on
     * the raw channel with a complete observer: an echo needs no send buffering, and the raw
     * observer sees messages that arrived before the handler ran as soon as it is set.
     */
    private static void echoChannels(RemotePeer remote, PrintStream out, EventLines json) {
        remote.on(RemotePeerEvent.DataChannelOpened.class, e -> {
            RtcDataChannel ch = e.channel();
            out.println("data-channel " + remote.id() + " " + ch.label());
            json.dataChannel(remote.id(), ch.label());
            ch.setObserver(new RtcDataChannelObserver() {
                @Override
                public void onStateChange(DataChannelState state) {
                    if (state == DataChannelState.CLOSED) {
                        ch.setObserver(null);
                    }
                }

                @Override
                public void onMessage(ByteBuffer data, boolean binary) {
                    json.dataChannelMessage(remote.id(), ch.label(), data.remaining(), binary);
                    try {
                        ch.send(data, binary);
                    } catch (RuntimeException err) {
                        out.println("echo on " + ch.label() + " failed: " + err.getMessage());
                    }
                }

                @Override
                public void onBufferedAmountChange(long previousAmount) {
                }
            });
        });
    }

    /**
     * {@code --events}: one JSON object per line, {@code {"event": "<JS event name>", …}}, for
     * {@code joined}, {@code peer-joined}, {@code peer-left}, {@code data-channel},
     * {@code data-channel-message} (size only), {@code stream-added} (stream id, metadata, track
     * kinds) and {@code stream-removed}. Thread-safe (whole lines via {@code println}).
     */
    static final class EventLines {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final PrintStream out;
        private final boolean enabled;

        EventLines(PrintStream out, boolean enabled) {
            this.out = out;
            this.enabled = enabled;
        }

        void joined(String peerId, String channel) {
            ObjectNode n = event("joined");
            n.put("peerId", peerId);
            n.put("channel", channel);
            print(n);
        }

        void peerJoined(RemotePeer remote) {
            peer("peer-joined", remote.id());
            if (!enabled) {
                return;
            }
            remote.on(RemotePeerEvent.StreamAdded.class, e -> {
                ObjectNode n = stream("stream-added", remote.id(), e.stream());
                n.set("metadata", e.metadata());
                print(n);
            });
            remote.on(RemotePeerEvent.StreamRemoved.class, e -> print(stream("stream-removed", remote.id(), e.stream())));
        }

        void peer(String name, String peerId) {
            ObjectNode n = event(name);
            n.put("peer", peerId);
            print(n);
        }

        void dataChannel(String peerId, String label) {
            ObjectNode n = event("data-channel");
            n.put("peer", peerId);
            n.put("label", label);
            print(n);
        }

        void connected(String peerId, SelectedCandidatePair pair) {
            ObjectNode n = event("connected");
            n.put("peer", peerId);
            n.put("localCandidateType", pair.local().type());
            n.put("remoteCandidateType", pair.remote().type());
            n.put("relayed", pair.relayed());
            print(n);
        }

        void dataChannelMessage(String peerId, String label, int bytes, boolean binary) {
            if (!enabled) {
                return;
            }
            ObjectNode n = event("data-channel-message");
            n.put("peer", peerId);
            n.put("label", label);
            n.put("bytes", bytes);
            n.put("binary", binary);
            print(n);
        }

        private ObjectNode stream(String name, String peerId, MediaStream stream) {
            ObjectNode n = event(name);
            n.put("peer", peerId);
            n.put("streamId", stream.id());
            ArrayNode kinds = n.putArray("tracks");
            stream.tracks().forEach(t -> kinds.add(t.kind().wireName()));
            return n;
        }

        private static ObjectNode event(String name) {
            ObjectNode n = JSON.createObjectNode();
            n.put("event", name);
            return n;
        }

        private void print(ObjectNode n) {
            if (enabled) {
                out.println(n.toString());
                out.flush();
            }
        }
    }
}
