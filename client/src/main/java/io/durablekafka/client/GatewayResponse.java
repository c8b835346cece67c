package io.durablekafka.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.serde.Json;
import java.net.http.HttpHeaders;

/** One answer of the gateway. */
record GatewayResponse(int status, byte[] body, HttpHeaders headers) {

    /** The body as JSON; an empty body is JSON null. */
    JsonNode json() {
        if (body.length == 0) {
            return Json.MAPPER.nullNode();
        }
        return Json.fromBytes(body, JsonNode.class);
    }

    String header(String name) {
        return headers.firstValue(name).orElse(null);
    }
}
