package ca.metered.realtime.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A request to mint a token: the body of REST {@code POST /v1/tokens} (docs/protocol.md 7), also
 * built by the {@code rms token} CLI command. Only shape is fixed here; {@link TokenMinter}
 * validates the values, so both callers get the same errors.
 *
 * <p>Immutable (lists are copied; JSON nodes are the caller's and must not be mutated after);
 * thread-safe.
 *
 * @param peerId the {@code sub} claim; required
 * @param channels glob patterns, or null for the key's patterns
 * @param permissions action names, or null for the key's actions
 * @param expiresInSec lifetime in seconds, or null for 3600
 * @param metadata a JSON object delivered in {@code welcome.metadata}, or null
 * @param peerMetadata a JSON object shown to other peers, or null
 */
public record TokenRequest(
        String peerId,
        List<String> channels,
        List<String> permissions,
        Long expiresInSec,
        JsonNode metadata,
        JsonNode peerMetadata) {

    public TokenRequest {
        channels = copyAllowingNulls(channels);
        permissions = copyAllowingNulls(permissions);
    }

    /** A request for {@code peerId} with every optional field left to its default. */
    public static TokenRequest forPeer(String peerId) {
        return new TokenRequest(peerId, null, null, null, null, null);
    }

    // Null elements are kept so the minter can reject them with invalid_request, not an NPE.
    private static List<String> copyAllowingNulls(List<String> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }
}
