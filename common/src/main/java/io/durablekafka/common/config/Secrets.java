package io.durablekafka.common.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;

/**
 * The one comparison of a value a caller sent with a secret (system keys, webhook signatures): constant time, so that
 * how long a refusal takes tells nothing about how much of a key was right.
 */
public final class Secrets {

    private Secrets() {
    }

    /**
     * Whether {@code given} equals one of {@code secrets}: every secret is compared, each with
     * {@link MessageDigest#isEqual} on the UTF-8 bytes, whose time depends on the length of its first argument, the
     * caller's value, and not on where the bytes differ.
     */
    public static boolean matchesAny(String given, Collection<String> secrets) {
        if (given == null) {
            return false;
        }
        byte[] offered = given.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (String secret : secrets) {
            match |= secret != null && MessageDigest.isEqual(offered, secret.getBytes(StandardCharsets.UTF_8));
        }
        return match;
    }
}
