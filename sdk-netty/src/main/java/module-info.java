/** The optional Netty WebSocket transport of the SDK: {@code NettyWebSocketTransport}. */
module ca.metered.realtime.sdk.netty {
    requires transitive ca.metered.realtime.sdk;
    requires transitive io.netty.transport;
    requires transitive io.netty.handler;
    requires io.netty.codec.http;
    requires io.netty.codec;
    requires io.netty.buffer;
    requires io.netty.common;

    exports ca.metered.realtime.transport.netty;
}
