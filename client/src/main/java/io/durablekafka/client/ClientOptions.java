package io.durablekafka.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the client reaches a gateway.
 *
 * @param baseUrl        the gateway's base URL, e.g. {@code http://localhost:7071} (the API lives under
 *                       {@code /runtime/webhooks/durabletask} below it)
 * @param taskHub        the task hub, or null for the gateway's default hub
 * @param connection     the connection name, or null for the gateway's default
 * @param systemKey      the system key, sent as the {@code x-functions-key} header, or null when the gateway needs none
 * @param requestTimeout how long one request may take; a long-poll gets its own wait on top of it
 */
public record ClientOptions(URI baseUrl, String taskHub, String connection, String systemKey, Duration requestTimeout) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public ClientOptions {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String s = baseUrl.toString();
        // The API paths are appended to it: a trailing slash would make '//' in every request.
        if (s.endsWith("/")) {
            baseUrl = URI.create(s.replaceAll("/+$", ""));
        }
        if (baseUrl.getScheme() == null || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, was '" + s + "'");
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        taskHub = blankToNull(taskHub);
        connection = blankToNull(connection);
        systemKey = blankToNull(systemKey);
    }

    /** The gateway at {@code baseUrl}, its default task hub, no key. */
    public static ClientOptions of(String baseUrl) {
        return new ClientOptions(URI.create(baseUrl), null, null, null, null);
    }

    public ClientOptions withTaskHub(String hub) {
        return new ClientOptions(baseUrl, hub, connection, systemKey, requestTimeout);
    }

    public ClientOptions withConnection(String name) {
        return new ClientOptions(baseUrl, taskHub, name, systemKey, requestTimeout);
    }

    public ClientOptions withSystemKey(String key) {
        return new ClientOptions(baseUrl, taskHub, connection, key, requestTimeout);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(baseUrl, taskHub, connection, systemKey, timeout);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The key stays out of logs and exception messages. */
    @Override
    public String toString() {
        return "ClientOptions[baseUrl=" + baseUrl + ", taskHub=" + taskHub + ", connection=" + connection
                + ", systemKey=" + (systemKey == null ? "none" : "***") + ", requestTimeout=" + requestTimeout + "]";
    }
}
