/**
 * The SDK's WebRTC port: the few interfaces {@code MeteredPeer} needs from a WebRTC stack, so the
 * core SDK carries no native code. One binding (module {@code sdk-webrtc}, package
 * {@code ca.metered.realtime.peer.webrtc}) implements it on {@code dev.onvoid.webrtc:webrtc-java};
 * tests implement it with a fake.
 *
 * <h2>Threading contract (all port types)</h2>
 * <ol>
 *   <li><b>Calls into the port.</b> The SDK calls every port method from its own per-peer serial
 *       loop, never concurrently for one {@link RtcPeerConnection} or {@link RtcDataChannel}, but
 *       not always from the same thread. Methods must not block on network I/O; the synchronous
 *       ones ({@code addTrack}, {@code createDataChannel}, getters, {@code close}) may block
 *       briefly while the native stack hops to its own signalling thread.</li>
 *   <li><b>Asynchronous operations</b> ({@code createOffer}, {@code createAnswer},
 *       {@code setLocalDescription}, {@code setRemoteDescription}, {@code addIceCandidate},
 *       {@link RtpSender#replaceTrack}) return a {@link java.util.concurrent.CompletionStage} that
 *       the binding completes on any thread (typically the native signalling thread). A native
 *       failure completes it exceptionally; the binding never throws from these methods for a
 *       native failure (argument bugs may still throw).</li>
 *   <li><b>Serialisation.</b> The SDK starts at most one of the five negotiation operations above
 *       per peer connection at a time and waits for its stage before the next, so a binding need
 *       not queue them (webrtc-java does not). It issues an explicit
 *       {@code setLocalDescription(ROLLBACK)} before applying a colliding remote offer; the
 *       binding must not rely on implicit rollback.</li>
 *   <li><b>Observer callbacks</b> ({@link RtcPeerConnectionObserver},
 *       {@link RtcDataChannelObserver}) may arrive on any binding thread, must be delivered one at
 *       a time per peer connection (per data channel) and in the order the native stack produced
 *       them, and may arrive while an operation's stage is still pending. The SDK never blocks
 *       in them: it copies the arguments and hops onto its serial loop, so a binding may call them
 *       from the native signalling thread. Callbacks after {@code close()} are tolerated and
 *       ignored.</li>
 *   <li><b>State getters</b> ({@code signalingState()}, {@code iceConnectionState()},
 *       {@code connectionState()}, {@code localDescription()}, {@code bufferedAmount()}, ...) must
 *       be thread-safe and return the current native value.</li>
 * </ol>
 *
 * <h2>Identity</h2>
 * Media is keyed by {@link MediaTrack#id()} and {@link MediaStream#id()}, never by object
 * identity, so a binding may hand out a fresh wrapper for the same native object. Track ids must
 * be unique among the tracks of one application and equal the {@code msid} track id in the SDP
 * (the receiver joins per-track metadata on it).
 *
 * <p>Stability: these interfaces only grow by additive changes (new {@code default} methods, new
 * enum constants appended at the end).
 */
package ca.metered.realtime.peer.rtc;
