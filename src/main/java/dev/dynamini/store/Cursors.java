package dev.dynamini.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page cursors. A cursor names the last item of a page and carries a MAC over that position
 * and the listing it belongs to, so an altered cursor or one from another listing (another user,
 * collection or application) is refused. The MAC is for integrity, not secrecy: whatever a cursor
 * says, the partition a query reads is always derived from the authenticated request.
 *
 * <p>The MAC is keyed with a per-deployment secret, so nobody can forge a cursor without it.
 * Instances that share the secret accept each other's cursors; a changed secret makes every open
 * cursor a 400, and the client starts its listing again.
 */
public final class Cursors {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public Cursors(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("a cursor secret needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    String encode(String listing, Position position) {
        String payload = (position.user() == null ? "" : position.user()) + "|" + position.id() + "|" + position.version();
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + ENCODER.encodeToString(mac(listing, payload));
    }

    Position decode(String listing, String cursor) {
        try {
            int dot = cursor.indexOf('.');
            if (dot < 0) {
                throw invalid();
            }
            String payload = new String(DECODER.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] presented = DECODER.decode(cursor.substring(dot + 1));
            if (!MessageDigest.isEqual(presented, mac(listing, payload))) {
                throw invalid();
            }
            String[] parts = payload.split("\\|", -1);
            if (parts.length != 3) {
                throw invalid();
            }
            return new Position(parts[0].isEmpty() ? null : parts[0], parts[1], Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) { // bad base64 or number
            throw invalid();
        }
    }

    /** A token that carries {@code payload} for {@code listing} only (change feed tokens). */
    String sign(String listing, String payload) {
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + ENCODER.encodeToString(mac(listing, payload));
    }

    /** The payload of a token {@link #sign} made for {@code listing}; {@code refusal} if it is not one. */
    String verify(String listing, String token, String refusal) {
        try {
            int dot = token.indexOf('.');
            if (dot < 0) {
                throw new InvalidInputException(refusal);
            }
            String payload = new String(DECODER.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(DECODER.decode(token.substring(dot + 1)), mac(listing, payload))) {
                throw new InvalidInputException(refusal);
            }
            return payload;
        } catch (IllegalArgumentException e) { // bad base64
            throw new InvalidInputException(refusal);
        }
    }

    private static InvalidInputException invalid() {
        return new InvalidInputException("cursor is not valid for this listing; use the X-Next-Cursor of the previous page");
    }

    private byte[] mac(String listing, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] full = mac.doFinal((listing + "\n" + payload).getBytes(StandardCharsets.UTF_8));
            byte[] truncated = new byte[12];
            System.arraycopy(full, 0, truncated, 0, truncated.length);
            return truncated;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }
}
