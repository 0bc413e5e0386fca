package ca.metered.realtime.peer.rtc;

import java.util.Locale;

/** {@code RTCSdpType}. Only {@code OFFER} and {@code ANSWER} ever travel on the wire. */
public enum SdpType {
    OFFER, PRANSWER, ANSWER, ROLLBACK;

    /** {@code "offer"}, {@code "answer"}, ... as in the JS {@code RTCSessionDescriptionInit}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
