package io.durablekafka.gateway.webhooks;

import java.util.List;
import java.util.Locale;

/**
 * Host names a callback may target: exact names ({@code hooks.example.com}) or a leading wildcard
 * ({@code *.example.com}: any name under {@code example.com}, not {@code example.com} itself). Names compare
 * case-insensitively, a trailing dot ignored. An empty list names no host.
 */
public record HostAllowList(List<String> patterns) {

    public HostAllowList {
        patterns = patterns == null ? List.of() : patterns.stream().map(HostAllowList::normalize)
                .filter(p -> !p.isEmpty()).toList();
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public boolean matches(String host) {
        String h = normalize(host);
        for (String p : patterns) {
            if (p.startsWith("*.") ? h.endsWith(p.substring(1)) && h.length() > p.length() - 1 : h.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String s) {
        String n = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
            n = n.substring(1, n.length() - 1);
        }
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
