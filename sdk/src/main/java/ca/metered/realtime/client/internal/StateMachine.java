package ca.metered.realtime.client.internal;

import ca.metered.realtime.client.ClientState;
import java.util.EnumMap;
import java.util.Map;

/**
 * The client's transition table (docs/sdk-behaviour.md 7.3; JS {@code SignallingClientImpl.transitionTo}).
 * {@link #next} answers the state after a trigger, or {@code null} when the trigger is not
 * allowed in that state (the caller rejects or ignores it). A result equal to the current state
 * is a self-loop and fires no state-change event. Stateless; thread-safe.
 */
public final class StateMachine {
    /** What moves the client. */
    public enum Trigger {
        /** The user called {@code connect()}. */
        CONNECT,
        /** A {@code welcome} arrived on the current socket. */
        WELCOME,
        /** The socket closed (or the token provider failed) and a reconnect is scheduled. */
        DROP_RETRY,
        /** The socket closed (or the token provider failed) and no reconnect follows. */
        DROP_TERMINAL,
        /** The user called {@code close()}. */
        CLOSE
    }

    private static final Map<ClientState, Map<Trigger, ClientState>> TABLE = new EnumMap<>(ClientState.class);

    static {
        row(ClientState.IDLE, ClientState.CONNECTING, null, null, null, ClientState.CLOSED);
        row(ClientState.CONNECTING, null, ClientState.CONNECTED, ClientState.RECONNECTING, ClientState.CLOSED,
                ClientState.CLOSED);
        row(ClientState.CONNECTED, null, null, ClientState.RECONNECTING, ClientState.CLOSED, ClientState.CLOSED);
        row(ClientState.RECONNECTING, null, ClientState.CONNECTED, ClientState.RECONNECTING, ClientState.CLOSED,
                ClientState.CLOSED);
        // A close event of a socket that close() already dropped still arrives in CLOSED.
        row(ClientState.CLOSED, ClientState.CONNECTING, null, null, ClientState.CLOSED, ClientState.CLOSED);
    }

    private StateMachine() {
    }

    private static void row(ClientState from, ClientState connect, ClientState welcome, ClientState dropRetry,
                            ClientState dropTerminal, ClientState close) {
        Map<Trigger, ClientState> m = new EnumMap<>(Trigger.class);
        put(m, Trigger.CONNECT, connect);
        put(m, Trigger.WELCOME, welcome);
        put(m, Trigger.DROP_RETRY, dropRetry);
        put(m, Trigger.DROP_TERMINAL, dropTerminal);
        put(m, Trigger.CLOSE, close);
        TABLE.put(from, m);
    }

    private static void put(Map<Trigger, ClientState> m, Trigger t, ClientState s) {
        if (s != null) {
            m.put(t, s);
        }
    }

    /** The next state, or {@code null} when {@code trigger} is not allowed in {@code from}. */
    public static ClientState next(ClientState from, Trigger trigger) {
        return TABLE.get(from).get(trigger);
    }
}
