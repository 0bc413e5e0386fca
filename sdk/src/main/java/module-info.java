/**
 * The Java SDK: {@code SignallingClient} (package {@code ca.metered.realtime.client}), its
 * transport port ({@code ...client.transport}), {@code MeteredPeer} ({@code ...peer}) and the
 * WebRTC port a binding implements ({@code ...peer.rtc}). Everything else is internal and not
 * exported. Runtime dependencies: the protocol module, Jackson, and {@code java.net.http} for the
 * default transport.
 */
module ca.metered.realtime.sdk {
    requires transitive ca.metered.realtime.protocol;
    requires transitive com.fasterxml.jackson.databind;
    requires java.net.http;

    exports ca.metered.realtime.client;
    exports ca.metered.realtime.client.transport;
    exports ca.metered.realtime.peer;
    exports ca.metered.realtime.peer.rtc;
}
