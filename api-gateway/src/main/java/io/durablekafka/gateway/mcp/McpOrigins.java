package io.durablekafka.gateway.mcp;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The browser origins the MCP endpoint accepts. A request without {@code Origin} (MCP clients that are not
 * browsers) is accepted; one with an Origin must come from this machine (localhost, 127.0.0.1 or [::1], any
 * port, http or https) or from the gateway's public base URL, else 403: a page of another site must not drive
 * the tools through a user's browser (DNS rebinding, cross-site requests). The SDK's validator applies the list.
 */
final class McpOrigins {

    private McpOrigins() {
    }

    static List<String> allowed(String publicBaseUrl) {
        List<String> origins = new ArrayList<>();
        for (String scheme : List.of("http", "https")) {
            for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
                origins.add(scheme + "://" + host + ":*");
            }
        }
        if (publicBaseUrl != null) {
            URI base = URI.create(publicBaseUrl);
            origins.add(base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort()));
        }
        return List.copyOf(origins);
    }
}
