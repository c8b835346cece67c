package io.durablekafka.gateway.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's route table and matcher. Routing works on the raw request path the way the Durable Functions
 * extension does: leading and trailing slashes are ignored ({@code instances} and {@code instances/} are the
 * same), literal segments match case-insensitively ({@code durableTask}, {@code raiseevent}), and each
 * segment is percent-decoded on its own, so {@code %2F} inside an instance ID does not split it ({@code +}
 * stays a plus sign). Routes are tried in registration order: register literal segments before parameters
 * at the same position.
 */
public final class Router {

    /** A handler of a matched request. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws Exception;
    }

    /**
     * @param method     HTTP method (upper case)
     * @param template   e.g. {@code /runtime/webhooks/durabletask/instances/{instanceId}}
     * @param name       the operation's name (its {@code operationId} in the OpenAPI document)
     * @param hubScoped  whether the request names a task hub and goes through {@link Hubs} checks
     */
    public record Route(String method, String template, String name, boolean hubScoped, Handler handler,
                        List<String> segments) {
    }

    /** The outcome of matching: the route and its parameters, or why none matched. */
    public sealed interface Match {
    }

    public record Found(Route route, Map<String, String> params) implements Match {
    }

    public record NotFound() implements Match {
    }

    /** The path exists, with other methods. */
    public record MethodNotAllowed(Set<String> allowed) implements Match {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router add(String method, String template, String name, boolean hubScoped, Handler handler) {
        routes.add(new Route(method, template, name, hubScoped, handler, split(template)));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * @param rawPath the request path as sent (percent-encoded)
     * @throws ApiException 400 when a segment is not valid percent-encoding
     */
    public Match match(String method, String rawPath) {
        List<String> segments = decode(rawPath);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = matchSegments(route.segments(), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equalsIgnoreCase(method)) {
                return new Found(route, params);
            }
            allowed.add(route.method());
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(allowed);
    }

    private static Map<String, String> matchSegments(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equalsIgnoreCase(p)) {
                return null;
            }
        }
        return params;
    }

    /** Splits a path without decoding (templates). */
    static List<String> split(String path) {
        String trimmed = trimSlashes(path);
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }

    /** Splits a raw request path into decoded segments. */
    static List<String> decode(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : split(rawPath == null ? "" : rawPath)) {
            try {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("InvalidPath", "The path segment '" + s
                        + "' is not valid percent-encoding: " + e.getMessage());
            }
        }
        return out;
    }

    private static String trimSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
