package ca.metered.realtime.server.auth;

import ca.metered.realtime.server.config.ConfigException;
import ca.metered.realtime.server.config.ConfigLoader;
import ca.metered.realtime.server.config.SecretKeyConfig;
import ca.metered.realtime.server.config.ServerConfig;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Shared config, clock and hand-built tokens for the auth tests. */
final class AuthFixtures {
    static final long NOW = 1_700_000_000L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    static final String DEMO_SECRET = "sk_secret_demo_change_me";
    static final String SCOPED_SECRET = "sk_secret_scoped_0123456789abcdefghijklmnop";
    static final String BIG_SECRET = "sk_secret_" + "x".repeat(54);

    static final ServerConfig CONFIG = parse("""
            apps:
              - id: demo
                publishableKeys:
                  - key: pk_live_demo
                    channels: ["**"]
                    actions: [subscribe, publish, presence, send]
                  - key: pk_live_origin
                    channels: ["public/*"]
                    allowedOrigins: ["https://app.example.com", "http://localhost:3000"]
                  - key: pk_live_anyorigin
                    channels: ["**"]
                    allowedOrigins: ["*"]
                secretKeys:
                  - id: sk_id_demo
                    secret: sk_secret_demo_change_me
                  - id: sk_id_scoped
                    secret: sk_secret_scoped_0123456789abcdefghijklmnop
                    channels: ["room-*"]
                    actions: [subscribe, publish]
                  - id: sk_id_big
                    secret: %s
              - id: suspended
                enabled: false
                publishableKeys:
                  - key: pk_live_off
                    channels: ["**"]
                secretKeys:
                  - id: sk_id_off
                    secret: sk_secret_off_0123456789
            """.formatted(BIG_SECRET));

    private AuthFixtures() {
    }

    static ServerConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, Map.of());
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static SecretKeyConfig secretKey(String id) {
        return CONFIG.apps().stream().flatMap(a -> a.secretKeys().stream())
                .filter(k -> k.id().equals(id)).findFirst().orElseThrow();
    }

    static Clock clockAtMillis(long epochMillis) {
        return Clock.fixed(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    /** A compact JWS over exactly these header and claims texts, HS256-signed with {@code secret}. */
    static String hs256(String headerJson, String claimsJson, String secret) throws Exception {
        String input = b64(headerJson) + "." + b64(claimsJson);
        Base64URL signature = new Hs256(secret).sign(JWSHeader.parse(headerJson),
                input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + signature;
    }

    static String header(String kid) {
        return "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    }

    static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
