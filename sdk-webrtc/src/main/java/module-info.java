/**
 * The SDK's WebRTC port bound to webrtc-java: {@code WebRtcJavaBinding} and what it hands out.
 * The native library comes from a platform jar (e.g. {@code webrtc-java-…-linux-x86_64.jar},
 * module {@code webrtc.linux.x86_64}) that webrtc-java loads as a resource; put it on the class
 * path or the module path.
 */
module ca.metered.realtime.sdk.webrtc {
    requires transitive ca.metered.realtime.sdk;
    requires transitive webrtc.java;

    exports ca.metered.realtime.peer.webrtc;
}
