package ca.metered.realtime.peer;

import ca.metered.realtime.client.RealtimeException;

/**
 * JS {@code MeteredPeerSendError}. Codes: {@code reserved_channel} ({@code join} on a
 * {@code _metered/}, {@code _internal/} or {@code _system/} channel), {@code not_joined}
 * ({@code send}/{@code sendTo} outside {@code JOINED}), {@code invalid_args} (null data, empty
 * peerId), {@code self_send} ({@code sendTo} own peerId), {@code peer_closed}
 * ({@link RemotePeer#send} after the remote peer closed; JS rejects with a plain Error there).
 */
public class MeteredPeerSendException extends RealtimeException {
    public MeteredPeerSendException(String code, String message) {
        super(code, message);
    }
}
