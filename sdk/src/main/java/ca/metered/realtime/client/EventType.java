package ca.metered.realtime.client;

/**
 * The kinds of {@link ClientEvent}, with the JS SDK's event names. Switch over
 * {@link ClientEvent#type()} where Java 17 cannot switch on the record type.
 */
public enum EventType {
    CONNECTED("connected", ClientEvent.Connected.class),
    DISCONNECTED("disconnected", ClientEvent.Disconnected.class),
    STATE_CHANGE("state-change", ClientEvent.StateChange.class),
    MESSAGE("message", ClientEvent.Message.class),
    DIRECT("direct", ClientEvent.Direct.class),
    PRESENCE("presence", ClientEvent.Presence.class),
    SERVER_ERROR("server-error", ClientEvent.ServerError.class),
    GOING_AWAY("going-away", ClientEvent.GoingAway.class),
    TOKEN_PROVIDER_ERROR("token-provider-error", ClientEvent.TokenProviderError.class),
    /** An rms extension (docs/protocol.md 9): the outcome of a recovering subscribe. */
    RECOVERY("recovery", ClientEvent.Recovery.class);

    private final String eventName;
    private final Class<? extends ClientEvent> eventClass;

    EventType(String eventName, Class<? extends ClientEvent> eventClass) {
        this.eventName = eventName;
        this.eventClass = eventClass;
    }

    /** The JS SDK's event name, e.g. {@code "state-change"}. */
    public String eventName() {
        return eventName;
    }

    public Class<? extends ClientEvent> eventClass() {
        return eventClass;
    }
}
