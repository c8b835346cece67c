package io.durablekafka.gateway.mcp;

import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.api.ApiException;
import io.durablekafka.gateway.api.Hubs;
import io.durablekafka.gateway.api.JsonResponses;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses MCP requests without a valid system key (401, the HTTP API's JSON error) before the SDK's transport sees
 * them. The SDK checks Origin but has no notion of Azure's system keys; this filter is the part it lacks.
 */
final class McpKeyFilter implements Filter {

    private final Hubs hubs;

    McpKeyFilter(Hubs hubs) {
        this.hubs = hubs;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            hubs.checkAnyHubKey(Caller.of((HttpServletRequest) request).key());
        } catch (ApiException e) {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setStatus(e.status());
            http.setContentType(JsonResponses.CONTENT_TYPE);
            http.getOutputStream().write(Json.MAPPER.writeValueAsBytes(JsonResponses.errorBody(e.error(),
                    e.getMessage())));
            return;
        }
        chain.doFilter(request, response);
    }
}
