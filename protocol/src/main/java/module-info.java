/**
 * The wire protocol shared by the server and the Java SDK: frames and their codec, error and close
 * codes, channel-name and peerId rules (docs/protocol.md). Depends on jackson-core only.
 */
module ca.metered.realtime.protocol {
    requires transitive com.fasterxml.jackson.core;

    exports ca.metered.realtime.protocol;
    exports ca.metered.realtime.protocol.frame;
}
