package ca.metered.realtime.server.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Administrative commands that must reach every node: today, closing a peer's connections
 * with 4020 ({@code DELETE /v1/peers/:peerId}).
 *
 * <p>Implementations are thread-safe.
 */
public interface ControlChannel {

    /** Closes every connection of the peer on every node; completes with how many were closed. */
    CompletionStage<Integer> kick(String appId, String peerId);
}
