package io.durablekafka.gateway.sidecar;

import io.durablekafka.gateway.api.ApiException;
import io.durablekafka.gateway.api.HubServices;
import io.durablekafka.gateway.api.Hubs;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The task hub of each gRPC call, and its key check, with the HTTP API's rules ({@link Hubs#authorize}): the hub
 * comes from the {@value #TASK_HUB_HEADER} metadata (the header the Durable Task Scheduler SDKs send; absent: the
 * default hub), the key from {@value Hubs#KEY_HEADER}. Every RPC, client or worker, runs with its hub in the
 * context ({@link #hub()}); a call with a wrong key or an unknown hub is closed before any handler runs.
 */
public final class SidecarCalls implements ServerInterceptor {

    public static final String TASK_HUB_HEADER = "taskhub";
    private static final Metadata.Key<String> TASK_HUB = Metadata.Key.of(TASK_HUB_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> KEY = Metadata.Key.of(Hubs.KEY_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<HubServices> HUB = Context.key("dk-task-hub");

    private final Hubs hubs;

    public SidecarCalls(Hubs hubs) {
        this.hubs = hubs;
    }

    /** The task hub of the current call (set for every call the gateway's gRPC server runs). */
    public static HubServices hub() {
        HubServices hub = HUB.get();
        if (hub == null) {
            throw new IllegalStateException("not within a gRPC call of the gateway");
        }
        return hub;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        HubServices hub;
        try {
            hub = hubs.authorize(blankToNull(headers.get(TASK_HUB)), blankToNull(headers.get(KEY)));
        } catch (ApiException e) {
            call.close(SidecarErrors.status(e), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(HUB, hub), call, headers, next);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
