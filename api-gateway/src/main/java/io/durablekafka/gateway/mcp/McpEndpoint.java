package io.durablekafka.gateway.mcp;

import io.durablekafka.common.serde.Json;
import io.durablekafka.gateway.api.Hubs;
import io.durablekafka.gateway.api.JsonResponses;
import io.durablekafka.gateway.api.ManagementUrls;
import io.javalin.config.JavalinConfig;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's MCP server: the {@link DurableTools} over Streamable HTTP at {@value #PATH}, on the gateway's own
 * Jetty (the SDK's servlet transport, mounted next to Javalin's servlet). Requests need a system key as the HTTP API
 * does ({@link McpKeyFilter}) and an acceptable Origin ({@link McpOrigins}); each tool call is dispatched to its
 * HTTP route ({@link LocalRoutes}) with the caller's key, so a tool does exactly what its route does.
 */
public final class McpEndpoint implements AutoCloseable {

    public static final String PATH = ManagementUrls.WEBHOOK_PREFIX + "/mcp";
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);
    /** Beyond the longest long-poll: the read barrier and purge waits of the routes. */
    private static final Duration ROUTE_MARGIN = Duration.ofMinutes(2);

    private final Hubs hubs;
    private final LocalRoutes routes;
    private final HttpServletStreamableServerTransportProvider transport;
    private final McpSyncServer server;

    /**
     * @param publicBaseUrl the gateway's public base URL (its origin is accepted), or null
     * @param maxLongPoll   the longest long-poll of the status route ({@code waitforinstance})
     * @param maxBodyBytes  the largest request body the routes accept
     */
    public McpEndpoint(Hubs hubs, String publicBaseUrl, Duration maxLongPoll, int maxBodyBytes) {
        this.hubs = hubs;
        this.routes = new LocalRoutes(maxLongPoll.plus(ROUTE_MARGIN));
        this.transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(PATH)
                .securityValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedOrigins(McpOrigins.allowed(publicBaseUrl)).build())
                .contextExtractor(request -> McpTransportContext.create(Map.of(Caller.CONTEXT_KEY,
                        Caller.of(request))))
                // A tool call's JSON-RPC envelope around a body the route accepts.
                .maxRequestSize(maxBodyBytes + 64 * 1024)
                .build();
        List<McpServerFeatures.SyncToolSpecification> tools = DurableTools.all().stream()
                .map(def -> McpServerFeatures.SyncToolSpecification.builder()
                        .tool(def.tool())
                        .callHandler((exchange, request) -> call(def, exchange, request))
                        .build())
                .toList();
        this.server = McpServer.sync(transport)
                .serverInfo("durable-kafka", version())
                .instructions("Manage Durable Functions orchestrations and entities of this durable-kafka gateway: "
                        + "start instances, query and wait for them, raise events, terminate, suspend, resume, "
                        + "rewind, purge, and signal or read entities. Every tool takes an optional taskHub.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tools)
                .build();
    }

    /** Mounts the transport and the key filter on the gateway's Jetty (pass to the HTTP API's extensions). */
    public void install(JavalinConfig config) {
        config.jetty.modifyServer(routes::attach);
        config.jetty.modifyServletContextHandler(handler -> {
            ServletHolder holder = new ServletHolder("mcp", transport);
            holder.setAsyncSupported(true);
            // An exact mapping: it wins over Javalin's "/*" servlet for this one path.
            handler.addServlet(holder, PATH);
            handler.addFilter(new FilterHolder(new McpKeyFilter(hubs)), PATH, EnumSet.of(DispatcherType.REQUEST));
        });
    }

    private McpSchema.CallToolResult call(ToolDefinition def, McpSyncServerExchange exchange,
                                          McpSchema.CallToolRequest request) {
        Object caller = exchange.transportContext() == null ? null
                : exchange.transportContext().get(Caller.CONTEXT_KEY);
        ToolArguments args = new ToolArguments(request.arguments());
        try {
            RouteResponse response = routes.send(def.request().apply(args),
                    caller instanceof Caller c ? c : Caller.NONE);
            if (response.failed()) {
                // The route's own JSON error (or, for a Failed instance with returnInternalServerErrorOnFailure, its
                // status), word for word.
                return error(response.body() == null
                        ? Json.MAPPER.writeValueAsString(JsonResponses.errorBody("Error", "HTTP " + response.status()))
                        : Json.MAPPER.writeValueAsString(response.body()));
            }
            Map<String, Object> output = def.output().of(args, response);
            return McpSchema.CallToolResult.builder()
                    .structuredContent(output)
                    .addTextContent(Json.MAPPER.writeValueAsString(output))
                    .isError(false)
                    .build();
        } catch (ToolArguments.MissingArgument | IllegalArgumentException e) {
            return error(errorText("InvalidArgument", e.getMessage()));
        } catch (Exception e) {
            LOG.warn("MCP tool {} failed", def.name(), e);
            return error(errorText("InternalServerError", "Unexpected error: " + e));
        }
    }

    private static String errorText(String error, String message) {
        try {
            return Json.MAPPER.writeValueAsString(JsonResponses.errorBody(error, message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return message;
        }
    }

    private static McpSchema.CallToolResult error(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    private static String version() {
        String v = McpEndpoint.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() throws Exception {
        try {
            server.closeGracefully();
        } finally {
            routes.close();
        }
    }
}
