package io.durablekafka.gateway.sidecar;

import io.durablekafka.common.config.Settings;
import java.util.Objects;

/**
 * The gateway's gRPC endpoint ({@code TaskHubSidecarService}, the Durable Task SDKs' protocol).
 *
 * @param port      the port; 0 binds any free port, negative serves no gRPC endpoint
 * @param workItems the worker half of the service (by default {@link WorkItemRpcs#unavailable()})
 */
public record SidecarOptions(int port, WorkItemRpcs workItems) {

    public static final String PORT = "dk.gateway.grpc.port";
    /** The port the Durable Task SDKs connect to when given none. */
    public static final int DEFAULT_PORT = 4001;

    public SidecarOptions {
        if (port > 65535) {
            throw new IllegalArgumentException("the gRPC port must be at most 65535, not " + port);
        }
        port = Math.max(port, -1);
        Objects.requireNonNull(workItems, "workItems");
    }

    /** No gRPC endpoint. */
    public static SidecarOptions disabled() {
        return new SidecarOptions(-1, WorkItemRpcs.unavailable());
    }

    /** An endpoint on {@code port} (0: any free port) serving the client RPCs only. */
    public static SidecarOptions onPort(int port) {
        return new SidecarOptions(port, WorkItemRpcs.unavailable());
    }

    /** {@value #PORT}: default {@value #DEFAULT_PORT}, negative for none. */
    public static SidecarOptions fromSettings(Settings settings) {
        return onPort(settings.getInt(PORT, DEFAULT_PORT));
    }

    public boolean enabled() {
        return port >= 0;
    }

    public SidecarOptions withPort(int newPort) {
        return new SidecarOptions(newPort, workItems);
    }

    public SidecarOptions withWorkItems(WorkItemRpcs rpcs) {
        return new SidecarOptions(port, rpcs);
    }
}
