package io.durablekafka.gateway.sidecar;

import io.durablekafka.common.config.BindHost;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
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
     * Binds {@code port} (0: any free port) on every address of {@code host} and serves {@code service}.
     *
     * @param maxMessageBytes largest request message accepted (larger: RESOURCE_EXHAUSTED), as the HTTP API's
     *                        body limit
     */
    public static SidecarServer start(SidecarService service, ServerInterceptor calls, BindHost host, int port,
                                      int maxMessageBytes) {
        List<InetAddress> addresses = host.addresses();
        // Netty binds its addresses one by one: with several, port 0 must become one port free on all of them.
        int bound = port == 0 && addresses.size() > 1 ? host.freePort() : port;
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("dk-grpc-", 0).factory());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(
                new InetSocketAddress(addresses.getFirst(), bound), InsecureServerCredentials.create());
        addresses.stream().skip(1).forEach(a -> builder.addListenAddress(new InetSocketAddress(a, bound)));
        Server server = builder
                .addService(ServerInterceptors.intercept(service.definition(), calls))
                // Client RPCs block on Kafka acks and view barriers: a virtual thread each, never a pool to drain.
                .executor(executor)
                .maxInboundMessageSize(maxMessageBytes)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdown();
            throw new UncheckedIOException("cannot serve gRPC on port " + bound + " (" + host + "): " + e.getMessage(), e);
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
        if (server.isShutdown()) {
            return; // closed already (the gateway's resources and its owner may both close it)
        }
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
