package io.durablekafka.gateway.api;

import io.durablekafka.common.config.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The task hubs, connection names and system keys of a gateway, and the checks every hub-scoped request
 * goes through before its handler runs, in this order:
 * <ol>
 *   <li>{@code taskHub} picks the hub (case-insensitive; absent or blank: the default hub);</li>
 *   <li>when keys apply to that hub (the gateway-wide key and the hub's own key; for an unknown hub the
 *       gateway-wide key), {@code code} or the {@code x-functions-key} header must be one of them: else 401;</li>
 *   <li>an unknown hub is 404;</li>
 *   <li>{@code connection} must name a configured connection (absent or blank: the default): else 400.</li>
 * </ol>
 */
public final class Hubs {

    public static final String KEY_HEADER = "x-functions-key";

    private final Map<String, HubServices> byName = new LinkedHashMap<>();
    private final HubServices defaultHub;
    private final List<String> connections;
    private final String systemKey;
    private final Map<String, String> hubKeys;

    /**
     * @param hubs        every served hub, the default one first
     * @param connections the connection names, the default first
     * @param systemKey   the key of every hub, or null
     * @param hubKeys     keys of single hubs (hub name, any case → key)
     */
    public Hubs(List<HubServices> hubs, List<String> connections, String systemKey, Map<String, String> hubKeys) {
        if (hubs.isEmpty() || connections.isEmpty()) {
            throw new IllegalArgumentException("at least one hub and one connection are needed");
        }
        for (HubServices h : hubs) {
            byName.put(h.name().toLowerCase(Locale.ROOT), h);
        }
        this.defaultHub = hubs.getFirst();
        this.connections = List.copyOf(connections);
        this.systemKey = systemKey;
        Map<String, String> keys = new LinkedHashMap<>();
        hubKeys.forEach((hub, key) -> keys.put(hub.toLowerCase(Locale.ROOT), key));
        this.hubKeys = keys;
    }

    public HubServices defaultHub() {
        return defaultHub;
    }

    public List<HubServices> all() {
        return List.copyOf(byName.values());
    }

    public String defaultConnection() {
        return connections.getFirst();
    }

    /** Runs the checks above and binds the hub, connection and key to the call. */
    void resolve(Call call) {
        String code = blankToNull(call.query("code"));
        if (code == null) {
            code = blankToNull(call.header(KEY_HEADER));
        }
        HubServices hub = authorize(blankToNull(call.query("taskHub")), code);

        String requestedConnection = blankToNull(call.query("connection"));
        String connection = defaultConnection();
        if (requestedConnection != null) {
            connection = connections.stream().filter(requestedConnection::equalsIgnoreCase).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("UnknownConnection", "No connection named '"
                            + requestedConnection + "' is configured. Configured connections: " + connections + "."));
            connection = requestedConnection;
        }
        call.bind(hub, connection, code);
    }

    /**
     * The hub a request names (null: the default hub), once its key is checked: the gateway-wide key or the hub's
     * own, when either is configured.
     *
     * @param code the key the request carries, or null
     * @throws ApiException 401 for a missing or wrong key, 404 for a hub this gateway does not serve
     */
    public HubServices authorize(String requestedHub, String code) {
        HubServices hub = requestedHub == null ? defaultHub : byName.get(requestedHub.toLowerCase(Locale.ROOT));
        List<String> keys = new ArrayList<>(2);
        if (systemKey != null) {
            keys.add(systemKey);
        }
        if (hub != null && hubKeys.containsKey(hub.name().toLowerCase(Locale.ROOT))) {
            keys.add(hubKeys.get(hub.name().toLowerCase(Locale.ROOT)));
        }
        checkKey(code, keys, hub == null ? "." : " for task hub '" + hub.name() + "'.");
        if (hub == null) {
            throw new ApiException(404, "TaskHubNotFound", "This gateway does not serve a task hub named '"
                    + requestedHub + "'. Served task hubs: " + byName.values().stream().map(HubServices::name).toList()
                    + ".");
        }
        return hub;
    }

    /**
     * The key check of endpoints that serve every hub (the MCP endpoint): when any key is configured, the request
     * must carry the gateway-wide key or the key of some hub. What that key may do in each hub is then up to the
     * hub-scoped routes it reaches.
     *
     * @param code the {@code code} query parameter or, without one, the {@value #KEY_HEADER} header
     * @throws ApiException 401, with the messages of the hub-scoped routes
     */
    public void checkAnyHubKey(String code) {
        List<String> keys = new ArrayList<>(hubKeys.values());
        if (systemKey != null) {
            keys.addFirst(systemKey);
        }
        checkKey(blankToNull(code), keys, ".");
    }

    private static void checkKey(String code, List<String> keys, String invalidSuffix) {
        if (keys.isEmpty()) {
            return;
        }
        if (code == null) {
            throw new ApiException(401, "Unauthorized", "This API requires a system key: pass it as the 'code' "
                    + "query parameter or in the '" + KEY_HEADER + "' header.");
        }
        if (!Secrets.matchesAny(code, keys)) {
            throw new ApiException(401, "Unauthorized", "The system key is not valid" + invalidSuffix);
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
