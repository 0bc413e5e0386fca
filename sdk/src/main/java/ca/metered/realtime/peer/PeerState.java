package ca.metered.realtime.peer;

import java.util.Locale;

/**
 * {@link MeteredPeer} lifecycle (docs/sdk-behaviour.md 13): {@code IDLE → JOINING → JOINED ⇄ RECONNECTING →
 * LEAVING → CLOSED}; {@code JOINING → IDLE} when a join fails; a terminal drop goes straight to
 * {@code CLOSED}. {@code CLOSED} is final.
 */
public enum PeerState {
    IDLE, JOINING, JOINED, RECONNECTING, LEAVING, CLOSED;

    /** The JS SDK's name ({@code "idle"}, {@code "joining"}, ...). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
