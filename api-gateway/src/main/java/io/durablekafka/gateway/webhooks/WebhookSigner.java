package io.durablekafka.gateway.webhooks;

import io.durablekafka.common.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs completion callbacks in the Standard Webhooks format (standardwebhooks.com): {@code webhook-signature} is
 * {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)). The secret is written as the standard
 * does, {@code whsec_} + the base64 of the key bytes, so the receiver can hand it to any Standard Webhooks library.
 */
public final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";
    private static final int MIN_KEY_BYTES = 16;

    private final byte[] key;

    /**
     * @param secret {@code whsec_<base64>} (the prefix may be left out), a key of at least 16 bytes
     * @throws IllegalArgumentException when the secret is not of that form
     */
    public WebhookSigner(String secret) {
        this.key = keyOf(secret);
    }

    /** A new random secret (32 bytes), in the {@code whsec_} form. */
    public static String generateSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The {@code webhook-signature} header of a message. */
    public String sign(String webhookId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * Whether {@code signatureHeader} (space-separated {@code v1,<base64>} entries, as the standard allows several)
     * holds this message's signature; compared in constant time.
     */
    public boolean verify(String webhookId, long timestampSeconds, byte[] body, String signatureHeader) {
        if (signatureHeader == null) {
            return false;
        }
        List<String> expected = List.of(sign(webhookId, timestampSeconds, body));
        boolean found = false;
        for (String candidate : signatureHeader.trim().split(" +")) {
            found |= Secrets.matchesAny(candidate, expected);
        }
        return found;
    }

    private static byte[] keyOf(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        String encoded = secret.strip();
        if (encoded.startsWith(SECRET_PREFIX)) {
            encoded = encoded.substring(SECRET_PREFIX.length());
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret must be whsec_ followed by base64 (e.g. "
                    + "whsec_$(openssl rand -base64 32)): " + e.getMessage());
        }
        if (bytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the webhook secret must hold at least " + MIN_KEY_BYTES
                    + " bytes, not " + bytes.length);
        }
        return bytes;
    }
}
