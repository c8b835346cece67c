package io.durablekafka.client;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of path segments and query values. Not {@link java.net.URLEncoder}: it writes a space as
 * {@code +}, which the gateway reads as a plus sign in a path (and an instance ID may hold both).
 */
final class UriEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private UriEncoding() {
    }

    /** Every byte but RFC 3986's unreserved characters as {@code %XX}: safe in a path segment and in a query. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
