package ca.metered.realtime.peer.rtc;

/**
 * {@code RTCOfferOptions} as far as the SDK uses them.
 *
 * @param iceRestart generate new ICE credentials (the ICE-restart ladder's offers)
 */
public record OfferOptions(boolean iceRestart) {
    public static final OfferOptions DEFAULT = new OfferOptions(false);
    public static final OfferOptions ICE_RESTART = new OfferOptions(true);
}
