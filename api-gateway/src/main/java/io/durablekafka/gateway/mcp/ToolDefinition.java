package io.durablekafka.gateway.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.function.Function;

/**
 * One MCP tool: its name, description and hints, its input and output schemas, the HTTP route request a call
 * becomes, and how the route's successful answer becomes the tool's structured output.
 */
record ToolDefinition(String name, String description, Hints hints, Map<String, Object> inputSchema,
                      Map<String, Object> outputSchema, Function<ToolArguments, RouteRequest> request,
                      Output output) {

    /** The tool annotations (MCP {@code readOnlyHint}, {@code destructiveHint}, {@code idempotentHint}). */
    record Hints(boolean readOnly, boolean destructive, boolean idempotent) {
        static final Hints WRITE = new Hints(false, false, false);
        static final Hints READ = new Hints(true, false, true);
        static final Hints DELETE = new Hints(false, true, true);
    }

    /** The structured output of a successful route answer. */
    @FunctionalInterface
    interface Output {
        Map<String, Object> of(ToolArguments args, RouteResponse response);
    }

    McpSchema.Tool tool() {
        return McpSchema.Tool.builder()
                .name(name)
                .title(description)
                .description(description)
                .inputSchema(inputSchema)
                .outputSchema(outputSchema)
                // Closed world: the tools reach this gateway's task hubs and nothing else.
                .annotations(new McpSchema.ToolAnnotations(description, hints.readOnly(), hints.destructive(),
                        hints.idempotent(), false, null))
                .build();
    }
}
