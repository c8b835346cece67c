package io.durablekafka.gateway.sidecar;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC server of a gateway's {@link SidecarService} (plaintext HTTP/2, as the SDKs' defaults expect). */
public final class SidecarServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SidecarServer.class);

    private final Server server;
    private final ExecutorService executor;

    private SidecarServer(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code port} (0: any free port) and serves {@code service}.
     *
     * @param maxMessageBytes largest request message accepted (larger: RESOURCE_EXHAUSTED), as the HTTP API's
     *                        body limit
     */
    public static SidecarServer start(BindableService service, ServerInterceptor calls, int port,
                                      int maxMessageBytes) {
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("dk-grpc-", 0).factory());
        Server server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(service, calls))
                // Client RPCs block on Kafka acks and view barriers: a virtual thread each, never a pool to drain.
                .executor(executor)
                .maxInboundMessageSize(maxMessageBytes)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdown();
            throw new UncheckedIOException("cannot serve gRPC on port " + port + ": " + e.getMessage(), e);
        }
        return new SidecarServer(server, executor);
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** Stops taking calls and ends the open ones (long waits, work-item streams) after a short grace. */
    @Override
    public void close() {
        int port = server.getPort(); // not readable once the server terminated
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        executor.shutdown();
        LOG.debug("gRPC server on port {} stopped", port);
    }
}
