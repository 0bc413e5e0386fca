package ca.metered.realtime.peer;

import ca.metered.realtime.client.Registration;
import ca.metered.realtime.peer.rtc.DataChannelInit;
import ca.metered.realtime.peer.rtc.RtcPeerConnection;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Another peer in the joined channel, handed out by {@link PeerEvent.PeerJoined}; never
 * constructed by applications. The same object survives a signalling reconnect (its connection is
 * swapped underneath, see {@link RemotePeerEvent.ConnectionReset}).
 *
 * <p>Thread-safe. Listeners run on the MeteredPeer's callback executor, in order.
 */
public interface RemotePeer {

    /** The remote peerId (server UUID or the JWT {@code sub}). */
    String id();

    /** The remote's {@code peerMetadata} from presence (untrusted), or {@code null}; refreshed by a reconcile. */
    JsonNode metadata();

    RemotePeerState state();

    /** Perfect-negotiation role: {@code localPeerId.compareTo(id()) < 0}. */
    boolean polite();

    /**
     * The current connection (escape hatch). Re-read it every time: a reconcile replaces it. Do
     * not negotiate on it yourself.
     */
    RtcPeerConnection peerConnection();

    /** {@code meteredPeer.sendTo(id(), data)}; fails with {@code peer_closed} once this peer is closed. */
    CompletableFuture<Void> send(Object data);

    /**
     * Opens a P2P data channel on the current connection with the default buffering options;
     * re-open it after {@link RemotePeerEvent.ConnectionReset}.
     */
    default DataChannel createDataChannel(String label) {
        return createDataChannel(label, DataChannelInit.DEFAULT, DataChannelOptions.DEFAULT);
    }

    /**
     * Opens a P2P data channel; in a media-free app, creating it is what starts negotiation.
     *
     * @throws IllegalStateException if this peer is closed
     */
    DataChannel createDataChannel(String label, DataChannelInit init, DataChannelOptions options);

    <E extends RemotePeerEvent> Registration on(Class<E> type, Consumer<? super E> listener);

    <E extends RemotePeerEvent> Registration once(Class<E> type, Consumer<? super E> listener);
}
