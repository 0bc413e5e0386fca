package ca.metered.realtime.peer;

import java.util.Locale;

/**
 * {@link RemotePeer} state (docs/sdk-behaviour.md 1.4), derived from the connection state: {@code NEW} and
 * {@code CONNECTING} → {@code CONNECTING}; {@code CONNECTED} → {@code CONNECTED};
 * {@code DISCONNECTED} and {@code FAILED} → {@code RECONNECTING}; {@code CLOSED} → {@code CLOSED}.
 * A peer that never negotiates (no media, no data channel) stays {@code IDLE}.
 */
public enum RemotePeerState {
    IDLE, CONNECTING, CONNECTED, RECONNECTING, CLOSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
