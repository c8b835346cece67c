package io.durablekafka.gateway.api;

import io.durablekafka.common.tracing.TraceContext;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One API request after routing: its decoded path parameters, its query (parameter names matched
 * case-insensitively, as the Durable Functions extension does), its size-limited body, and, for hub-scoped
 * routes, the resolved task hub, connection name and system key.
 */
public final class Call {

    private final Context ctx;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final int maxBodyBytes;
    private final String publicBaseUrl;
    private byte[] body;
    private HubServices hub;
    private String connection;
    private String code;
    private TraceContext trace;

    Call(Context ctx, Map<String, String> pathParams, int maxBodyBytes, String publicBaseUrl) {
        this.ctx = ctx;
        this.pathParams = Map.copyOf(pathParams);
        this.maxBodyBytes = maxBodyBytes;
        this.publicBaseUrl = publicBaseUrl;
        ctx.queryParamMap().forEach((name, values) -> query.merge(name, List.copyOf(values), (a, b) -> {
            List<String> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return all;
        }));
    }

    public Context ctx() {
        return ctx;
    }

    /** A path parameter (decoded), or null when the route has none of that name. */
    public String path(String name) {
        return pathParams.get(name);
    }

    /** The first value of a query parameter (name case-insensitive), or null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** Every value of a query parameter (repeated parameters), possibly empty. */
    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public String header(String name) {
        return ctx.header(name);
    }

    /** The request body, at most the configured number of bytes (more: 413, before anything else happens). */
    public byte[] body() throws IOException {
        if (body != null) {
            return body;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge(declared + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, 64 * 1024)));
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out.size() + n > maxBodyBytes) {
                    throw tooLarge("more than " + maxBodyBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
        }
        body = out.toByteArray();
        return body;
    }

    private ApiException tooLarge(String size) {
        return new ApiException(413, "PayloadTooLarge", "The request body is " + size + "; at most " + maxBodyBytes
                + " bytes are accepted (dk.gateway.max.body.bytes).");
    }

    /** The media type of the body without parameters (lower case), or null. */
    public String mediaType() {
        String ct = ctx.header("Content-Type");
        if (ct == null || ct.isBlank()) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(java.util.Locale.ROOT);
    }

    void trace(TraceContext context) {
        this.trace = context;
    }

    /**
     * The trace context the request's records carry (null: none): its request span's, or the {@code traceparent} it
     * came with when tracing is off.
     */
    public TraceContext trace() {
        return trace;
    }

    void bind(HubServices hub, String connection, String code) {
        this.hub = hub;
        this.connection = connection;
        this.code = code;
    }

    /** The task hub of the request (hub-scoped routes only). */
    public HubServices hub() {
        if (hub == null) {
            throw new IllegalStateException("not a hub-scoped request");
        }
        return hub;
    }

    /**
     * The management URLs for this request: under the public base URL (or the scheme and host the request
     * was sent to), with the request's task hub, connection and key.
     */
    public ManagementUrls urls() {
        return new ManagementUrls(baseUrl(), hub().name(), connection, code);
    }

    String baseUrl() {
        if (publicBaseUrl != null) {
            return publicBaseUrl;
        }
        String host = ctx.header("Host");
        if (host == null || host.isBlank()) {
            host = ctx.req().getServerName() + ":" + ctx.req().getServerPort();
        }
        return ctx.req().getScheme() + "://" + host.strip();
    }
}
