package ca.metered.realtime.transport.netty;

import ca.metered.realtime.client.it.ClusterSdkIT;
import ca.metered.realtime.client.transport.WebSocketTransport;

/** Every cluster integration test of the SDK again, over the Netty transport (needs redis-server). */
class NettyClusterSdkIT extends ClusterSdkIT {
    @Override
    protected WebSocketTransport transport() {
        return NettyWebSocketTransport.shared();
    }
}
