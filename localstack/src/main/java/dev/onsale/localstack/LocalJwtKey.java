package dev.onsale.localstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * The local identity provider's signing key: one RSA key pair (RS256) whose public half is published as a
 * JWKS, like a real issuer's {@code /.well-known/jwks.json}. The key id is the key's RFC 7638 thumbprint.
 *
 * <p>{@link #loadOrCreate} keeps the private key in a directory (PKCS#8 PEM), so the local gateway and
 * {@code scripts/token} agree across runs; it also writes {@code jwks.json} beside it for anyone curious.
 */
public final class LocalJwtKey {

    static final String PRIVATE_KEY_FILE = "signing-key.pem";
    static final String JWKS_FILE = "jwks.json";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String keyId;

    private LocalJwtKey(RSAPrivateCrtKey privateKey) {
        this.privateKey = privateKey;
        try {
            this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the RSA public key", e);
        }
        this.keyId = thumbprint(publicKey);
    }

    /** A fresh 2048-bit key, kept in memory only (tests). */
    public static LocalJwtKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new LocalJwtKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /**
     * The key kept in {@code directory}, created there on first use. Two processes creating it at once end
     * up with the same key: the file appears atomically and the loser reads the winner's.
     */
    public static LocalJwtKey loadOrCreate(Path directory) {
        Path keyFile = directory.resolve(PRIVATE_KEY_FILE);
        try {
            if (!Files.exists(keyFile)) {
                Files.createDirectories(directory);
                LocalJwtKey fresh = generate();
                Path temporary = Files.createTempFile(directory, PRIVATE_KEY_FILE, ".tmp");
                Files.writeString(temporary, fresh.privateKeyPem());
                try {
                    // link(2) fails if the file exists, atomically: an existing key is never replaced
                    Files.createLink(keyFile, temporary);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                } finally {
                    Files.deleteIfExists(temporary);
                }
            }
            LocalJwtKey key = fromPem(Files.readString(keyFile));
            Files.writeString(directory.resolve(JWKS_FILE), key.jwks());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local JWT key in " + directory, e);
        }
    }

    static LocalJwtKey fromPem(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return new LocalJwtKey((RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64))));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key", e);
        }
    }

    public String keyId() {
        return keyId;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** The public key as a JSON Web Key Set: {@code {"keys":[{"kty":"RSA","kid":...,"n":...,"e":...}]}}. */
    public String jwks() {
        return new JWKSet(new RSAKey.Builder(publicKey).keyID(keyId).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .build()).toString();
    }

    /** A token of {@code claims}: a compact JWS signed RS256 by this key, named by its id (nimbus-jose-jwt). */
    public String mint(ObjectNode claims) {
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(keyId).build(),
                new Payload(claims.toString()));
        try {
            jws.sign(new RSASSASigner(privateKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the local JWT key", e);
        }
        return jws.serialize();
    }

    /**
     * A compact JWS of {@code header} and {@code payload} (both JSON objects) signed RS256 with this key,
     * whatever the header claims: tests use it to forge tokens with a lying {@code alg} or {@code kid}, which no
     * library signs.
     */
    public String sign(ObjectNode header, ObjectNode payload) {
        String signingInput = BASE64URL.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + BASE64URL.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return signed(signingInput);
    }

    /** {@code signingInput} (two base64url parts) followed by its RS256 signature. */
    String signed(String signingInput) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the local JWT key", e);
        }
    }

    /** The standard header of this key's tokens: RS256 and this key's id. */
    public ObjectNode header() {
        return LambdaJson.mapper().createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", keyId);
    }

    String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(privateKey.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** RFC 7638's thumbprint of the public key: the key's id. */
    private static String thumbprint(RSAPublicKey key) {
        try {
            return new RSAKey.Builder(key).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
