package ca.metered.realtime.peer;

/**
 * The {@code code()}s of errors delivered by {@link PeerEvent.Error} and
 * {@link RemotePeerEvent.NegotiationError}, i.e. the JS SDK's {@code err.name} strings turned
 * snake_case where JS used class-like names. Fatal close codes and fatal server errors keep the
 * server's code ({@code invalid_token}, {@code token_expired}, {@code channel_not_authorized},
 * {@code account_suspended}, {@code admin_disconnect}, {@code action_not_permitted}, or
 * {@code close_<n>}).
 */
public final class PeerErrorCodes {
    /** JS {@code IceRestartExhaustedError}: nine ICE restarts failed; terminal for that peer. */
    public static final String ICE_RESTART_EXHAUSTED = "ice_restart_exhausted";
    /** JS {@code ReconcileTimeoutError}: no presence snapshot after a reconnect; close and rebuild. */
    public static final String RECONCILE_TIMEOUT = "reconcile_timeout";
    /** JS {@code TokenProviderError}: the token provider failed three or more times in a row. */
    public static final String TOKEN_PROVIDER_ERROR = "token_provider_error";
    /** A transient negotiation failure (create/set description threw); not terminal. */
    public static final String NEGOTIATION_FAILED = "negotiation_failed";
    /** {@code addIceCandidate} was rejected; usually benign. */
    public static final String ICE_CANDIDATE_FAILED = "ice_candidate_failed";

    private PeerErrorCodes() {
    }
}
