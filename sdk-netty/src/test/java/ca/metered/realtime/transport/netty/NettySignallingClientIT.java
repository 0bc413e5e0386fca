package ca.metered.realtime.transport.netty;

import ca.metered.realtime.client.it.SignallingClientIT;
import ca.metered.realtime.client.transport.WebSocketTransport;

/** Every SignallingClient integration test again, over the Netty transport. */
class NettySignallingClientIT extends SignallingClientIT {
    @Override
    protected WebSocketTransport transport() {
        return NettyWebSocketTransport.shared();
    }
}
