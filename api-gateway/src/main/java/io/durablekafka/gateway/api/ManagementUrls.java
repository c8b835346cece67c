package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durablekafka.common.serde.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The management URLs of an instance, as the Durable Functions HTTP API hands them out: under
 * {@code <base>/runtime/webhooks/durabletask/instances/<id>}, with the query {@code taskHub}, {@code connection}
 * and (only when the request carried one) {@code code}. {@code {eventName}} and {@code {text}} are
 * placeholders for the client to fill in, as in Azure's payloads.
 */
public final class ManagementUrls {

    public static final String WEBHOOK_PREFIX = "/runtime/webhooks/durabletask";
    public static final String DEFAULT_CONNECTION = "Storage";

    private final String baseUrl;
    private final String taskHub;
    private final String connection;
    private final String code;

    /**
     * @param connection the request's {@code connection}, or null for {@value #DEFAULT_CONNECTION}
     * @param code       the request's {@code code}, or null to leave it out
     */
    public ManagementUrls(String baseUrl, String taskHub, String connection, String code) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.taskHub = taskHub;
        this.connection = connection == null || connection.isEmpty() ? DEFAULT_CONNECTION : connection;
        this.code = code;
    }

    /** Encodes one path segment (RFC 3986: a space is %20, never '+'). */
    public static String encodePathSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String encodeQueryValue(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String query() {
        StringBuilder q = new StringBuilder("taskHub=").append(encodeQueryValue(taskHub))
                .append("&connection=").append(encodeQueryValue(connection));
        if (code != null) {
            q.append("&code=").append(encodeQueryValue(code));
        }
        return q.toString();
    }

    private String instanceUrl(String instanceId) {
        return baseUrl + WEBHOOK_PREFIX + "/instances/" + encodePathSegment(instanceId);
    }

    public String statusQueryGetUri(String instanceId) {
        return instanceUrl(instanceId) + "?" + query();
    }

    public String sendEventPostUri(String instanceId) {
        return instanceUrl(instanceId) + "/raiseEvent/{eventName}?" + query();
    }

    public String terminatePostUri(String instanceId) {
        return instanceUrl(instanceId) + "/terminate?reason={text}&" + query();
    }

    public String purgeHistoryDeleteUri(String instanceId) {
        return instanceUrl(instanceId) + "?" + query();
    }

    public String restartPostUri(String instanceId) {
        return instanceUrl(instanceId) + "/restart?" + query();
    }

    public String rewindPostUri(String instanceId) {
        return instanceUrl(instanceId) + "/rewind?reason={text}&" + query();
    }

    public String suspendPostUri(String instanceId) {
        return instanceUrl(instanceId) + "/suspend?reason={text}&" + query();
    }

    public String resumePostUri(String instanceId) {
        return instanceUrl(instanceId) + "/resume?reason={text}&" + query();
    }

    /**
     * The HTTP management payload (the body of a start's 202): the fields of the extension's check-status
     * response ({@code id}, {@code statusQueryGetUri}, {@code sendEventPostUri}, {@code terminatePostUri},
     * {@code purgeHistoryDeleteUri}, {@code restartPostUri}, {@code suspendPostUri}, {@code resumePostUri})
     * plus the documented {@code rewindPostUri}.
     */
    public ObjectNode payload(String instanceId) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("id", instanceId);
        body.put("statusQueryGetUri", statusQueryGetUri(instanceId));
        body.put("sendEventPostUri", sendEventPostUri(instanceId));
        body.put("terminatePostUri", terminatePostUri(instanceId));
        body.put("purgeHistoryDeleteUri", purgeHistoryDeleteUri(instanceId));
        body.put("restartPostUri", restartPostUri(instanceId));
        body.put("rewindPostUri", rewindPostUri(instanceId));
        body.put("suspendPostUri", suspendPostUri(instanceId));
        body.put("resumePostUri", resumePostUri(instanceId));
        return body;
    }
}
