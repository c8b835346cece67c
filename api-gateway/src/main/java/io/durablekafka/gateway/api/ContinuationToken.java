package io.durablekafka.gateway.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code x-ms-continuation-token} of a list: the key the next page resumes after, tagged with the kind
 * of list that issued it so that a token of one list is refused by another.
 */
final class ContinuationToken {

    private final String tag;
    private final String listName;

    ContinuationToken(String tag, String listName) {
        this.tag = tag;
        this.listName = listName;
    }

    String encode(String resumeAfter) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((tag + resumeAfter).getBytes(StandardCharsets.UTF_8));
    }

    /** The key a token resumes after, or null for the first page. */
    String decode(String token) {
        String t = Hubs.blankToNull(token);
        if (t == null || t.equals("null")) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(t), StandardCharsets.UTF_8);
            if (decoded.startsWith(tag)) {
                return decoded.substring(tag.length());
            }
        } catch (IllegalArgumentException e) {
            // not base64: answered below
        }
        throw ApiException.badRequest("InvalidContinuationToken", "The x-ms-continuation-token header holds a "
                + "token this gateway did not issue for " + listName + ".");
    }
}
