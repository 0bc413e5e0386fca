package ca.metered.realtime.server.ice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived TURN credentials in coturn's {@code use-auth-secret} scheme (the "TURN REST API"):
 * username {@code <expiry unix seconds>:<peerId>}, password
 * {@code base64(HMAC-SHA1(static-auth-secret, username))}. coturn recomputes the password from
 * the username and its own copy of the secret, and refuses the username once its timestamp has
 * passed; nothing is stored on either side.
 *
 * <p>Immutable; thread-safe.
 *
 * @param username {@code <expiresAt>:<peerId>}
 * @param credential the base64 HMAC-SHA1 of {@code username}
 * @param expiresAtEpochSeconds when coturn stops accepting the username
 */
public record TurnCredentials(String username, String credential, long expiresAtEpochSeconds) {
    private static final String HMAC_SHA1 = "HmacSHA1";

    /** Mints the credentials of {@code peerId}, valid until {@code expiresAtEpochSeconds}. */
    public static TurnCredentials mint(String secret, String peerId, long expiresAtEpochSeconds) {
        String username = expiresAtEpochSeconds + ":" + peerId;
        return new TurnCredentials(username, credential(secret, username), expiresAtEpochSeconds);
    }

    /** {@code base64(HMAC-SHA1(secret, username))}, both UTF-8. */
    static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA1));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "TurnCredentials[username=" + username + ", credential=***, expiresAt=" + expiresAtEpochSeconds + "]";
    }
}
