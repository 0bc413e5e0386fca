package ca.metered.realtime.server.ice;

import ca.metered.realtime.protocol.frame.RawJson;
import ca.metered.realtime.server.auth.Grant;
import ca.metered.realtime.server.config.AppConfig;
import ca.metered.realtime.server.config.IceServerConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Objects;

/**
 * Hands out an app's ICE servers (docs/turn.md): STUN entries as configured, TURN entries with
 * credentials minted for one peer ({@link TurnCredentials}). Used for {@code welcome.metadata}
 * (publishable-key and JWT connections), for tokens minted with {@code embedIceServers}, and for
 * {@code GET /v1/ice-servers}.
 *
 * <p>A credential is valid for the entry's {@code ttl} from now, and at least as long as the
 * token it comes with ({@code validAtLeastUntil}), so a connection never outlives the credentials
 * it was welcomed with; a reconnect's welcome brings fresh ones.
 *
 * <p>Immutable; thread-safe.
 */
public final class IceServerProvider {
    /** The key the SDKs read (docs/sdk-behaviour.md 9). */
    public static final String KEY = "iceServers";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Clock clock;

    public IceServerProvider(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A fresh list for {@code peerId}, empty when the app has no ICE servers.
     *
     * @param validAtLeastUntil epoch seconds the credentials must still be valid at (a token's
     *     {@code exp}), or 0
     */
    public IceServerList issue(AppConfig app, String peerId, long validAtLeastUntil) {
        long now = clock.instant().getEpochSecond();
        ArrayNode servers = JSON.createArrayNode();
        Long earliest = null;
        for (IceServerConfig entry : app.iceServers()) {
            ObjectNode out = servers.addObject();
            ArrayNode urls = out.putArray("urls");
            entry.urls().forEach(urls::add);
            if (entry.mintsCredentials()) {
                long expiresAt = Math.max(now + entry.ttl().toSeconds(), validAtLeastUntil);
                TurnCredentials c = TurnCredentials.mint(entry.secret(), peerId, expiresAt);
                out.put("username", c.username());
                out.put("credential", c.credential());
                earliest = earliest == null ? expiresAt : Math.min(earliest, expiresAt);
            }
        }
        return new IceServerList(servers, earliest);
    }

    /**
     * The {@code welcome.metadata} of a connection: the token's own {@code metadata} when it has
     * an {@code iceServers} key (the backend's list wins, whatever it holds), else that metadata
     * with the app's list added as its last key, other keys and their order unchanged. Null when
     * there is neither metadata nor an ICE server.
     */
    public RawJson welcomeMetadata(Grant grant) {
        String own = grant.metadataJson();
        if (grant.app().iceServers().isEmpty() || (own != null && hasIceServers(own))) {
            return own == null ? null : RawJson.of(own);
        }
        Long exp = grant.expiresAtEpochSeconds();
        String list = write(issue(grant.app(), grant.peerId(), exp == null ? 0 : exp).servers());
        String entry = "\"" + KEY + "\":" + list;
        if (own == null || own.equals("{}")) {
            return RawJson.of("{" + entry + "}");
        }
        // The claim is a compact JSON object: splice before its closing brace so the token's
        // own text reaches the client byte for byte.
        return RawJson.of(own.substring(0, own.length() - 1) + "," + entry + "}");
    }

    /**
     * {@code metadata} (may be null) with a fresh list under {@code iceServers}, for a token that
     * expires at {@code tokenExpiresAt}.
     *
     * @throws IllegalArgumentException if {@code metadata} already has {@code iceServers} or the
     *     app has no ICE servers; the message is meant for the API caller
     */
    public ObjectNode embed(AppConfig app, String peerId, JsonNode metadata, long tokenExpiresAt) {
        if (app.iceServers().isEmpty()) {
            throw new IllegalArgumentException("the app has no iceServers configured to embed");
        }
        if (metadata != null && metadata.has(KEY)) {
            throw new IllegalArgumentException("metadata.iceServers is given: drop it or embedIceServers");
        }
        ObjectNode out = metadata == null ? JSON.createObjectNode() : ((ObjectNode) metadata).deepCopy();
        out.set(KEY, issue(app, peerId, tokenExpiresAt).servers());
        return out;
    }

    private static boolean hasIceServers(String metadataJson) {
        try {
            return JSON.readTree(metadataJson).has(KEY);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("verified metadata claim is not JSON", e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A list as clients receive it.
     *
     * @param servers entries {@code {urls, username?, credential?}}; a fresh tree per call, the
     *     caller's to keep
     * @param expiresAtEpochSeconds when the first of its credentials expires; null without TURN
     */
    public record IceServerList(ArrayNode servers, Long expiresAtEpochSeconds) {
    }
}
