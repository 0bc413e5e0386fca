package ca.metered.realtime.server.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hand-built JWTs for the integration tests: exact header and claims text, signed with the
 * JDK's HMAC so tests can also produce what the server must refuse (wrong alg, alg none,
 * wrong secret).
 */
final class Jwts {
    static final String DEMO_SECRET = TestServer.SK_SECRET;
    static final String NARROW_ID = "sk_id_narrow";
    static final String NARROW_SECRET = "sk_secret_narrow_0123456789";

    private Jwts() {
    }

    static String header(String kid) {
        return "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    }

    /** HS256 over exactly these texts. */
    static String hs256(String headerJson, String claimsJson, String secret) {
        return sign(headerJson, claimsJson, secret, "HmacSHA256");
    }

    /** A token for the demo secret key with these claims. */
    static String demo(String claimsJson) {
        return hs256(header(TestServer.SK_ID), claimsJson, DEMO_SECRET);
    }

    static String sign(String headerJson, String claimsJson, String secret, String macAlgorithm) {
        String input = b64(headerJson) + "." + b64(claimsJson);
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlgorithm));
            byte[] sig = mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 over an already encoded {@code header.payload}, for tests that tamper with the encoding. */
    static String signRaw(String signingInput, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned(String headerJson, String claimsJson) {
        return b64(headerJson) + "." + b64(claimsJson) + ".";
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Claims {@code {"sub":sub,"exp":now+ttl}} plus extra JSON members (without braces). */
    static String claims(String sub, long ttlSeconds, String extra) {
        return "{\"sub\":\"" + sub + "\",\"exp\":" + (nowSeconds() + ttlSeconds)
                + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
