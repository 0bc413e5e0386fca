package ca.metered.realtime.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 signer and verifier for nimbus-jose-jwt that accepts secrets shorter than 256 bits.
 *
 * <p>Why not nimbus's {@code MACSigner}/{@code MACVerifier}: they refuse HS256 secrets under
 * 32 bytes, yet secrets such as {@code sk_secret_demo_change_me} (24 bytes) are valid in our
 * config and in the hosted service, and every standard HS256 library (jsonwebtoken, jose)
 * accepts them. So nimbus still does all the JWS work (parsing, base64url, the signing input,
 * serialization) and this class only supplies the HMAC, via the JDK's {@code HmacSHA256},
 * comparing signatures with the constant-time {@link MessageDigest#isEqual}. The secret is
 * the UTF-8 bytes of the configured string, as jsonwebtoken and jose use it.
 *
 * <p>Thread-safe: a {@link Mac} is created per call. The {@link JCAContext} is ignored.
 */
final class Hs256 implements JWSSigner, JWSVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.HS256);

    private final SecretKeySpec key;
    private final JCAContext jcaContext = new JCAContext();

    Hs256(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        requireHs256(header);
        return Base64URL.encode(mac(signingInput));
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            return false;
        }
        return MessageDigest.isEqual(mac(signingInput), signature.decode());
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    private byte[] mac(byte[] input) throws JOSEException {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("HmacSHA256 unavailable: " + e.getMessage(), e);
        }
    }

    private static void requireHs256(JWSHeader header) throws JOSEException {
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new JOSEException("only HS256 is supported, got " + header.getAlgorithm());
        }
    }
}
