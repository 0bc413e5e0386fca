/**
 * The binding of the SDK's WebRTC port ({@link ca.metered.realtime.peer.rtc}) to
 * {@code dev.onvoid.webrtc:webrtc-java}. The only public entry point is
 * {@link ca.metered.realtime.peer.webrtc.WebRtcJavaBinding}; the port implementations behind it
 * are package-private and reachable through the port interfaces and their {@code unwrap} methods
 * (native {@code RTCPeerConnection}, {@code RTCDataChannel}, {@code MediaStreamTrack},
 * {@code MediaStream}).
 */
package ca.metered.realtime.peer.webrtc;
