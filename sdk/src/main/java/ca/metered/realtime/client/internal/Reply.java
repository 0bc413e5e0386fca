package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientEvent;
import ca.metered.realtime.protocol.frame.StreamPosition;
import java.util.List;

/**
 * An {@code ack} as the SDK reads it, with the extension fields of docs/protocol.md 9 (all absent in the
 * hosted service's acks): a subscribe's verdict and position, a publish's position, a history
 * page, a refresh's new expiry. Immutable.
 *
 * @param recovered {@code recovered}, or {@code null} when absent
 * @param position  {@code epoch} + {@code offset}, or {@code null} when absent or invalid
 * @param messages  {@code messages} of a history answer, or {@code null}
 * @param expiresAt {@code expiresAt} of a refresh answer (Unix seconds), or {@code null}
 */
record Reply(String requestId, Boolean recovered, StreamPosition position, List<ClientEvent.Message> messages,
             Long expiresAt) {
    static Reply plain(String requestId) {
        return new Reply(requestId, null, null, null, null);
    }
}
