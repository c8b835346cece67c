package io.durablekafka.gateway.api;

import io.durablekafka.gateway.push.EventStreams;
import io.durablekafka.gateway.views.ReadViews;
import java.util.Set;

/**
 * The route table of the gateway. Every webhook route exists under the Functions 2.x+ prefix
 * {@value #WEBHOOK_PREFIX} and the 1.x prefix {@value #V1_PREFIX} (operation name suffixed {@code V1}), the
 * entity routes among them; the management routes live under {@value #MANAGEMENT_PREFIX}. The OpenAPI document
 * lists exactly these routes (checked by a test).
 */
public final class ApiRoutes {

    public static final String WEBHOOK_PREFIX = ManagementUrls.WEBHOOK_PREFIX;
    public static final String V1_PREFIX = "/admin/extensions/DurableTaskExtension";
    public static final String MANAGEMENT_PREFIX = "/runtime/orchestrations";
    public static final String OPENAPI_PATH = WEBHOOK_PREFIX + "/openapi.json";

    private ApiRoutes() {
    }

    /** The routes, with entity routes that accept any entity name and event streams with the default heartbeat. */
    public static Router build(InstanceApi api, OpenApi openApi) {
        return build(api, new EntityApi(Set.of(), ReadViews.DEFAULT_BARRIER_TIMEOUT, InstanceApi.DEFAULT_SCAN_BUDGET),
                new EventStreamApi(api, new EventStreams(EventStreams.DEFAULT_HEARTBEAT)), openApi);
    }

    /** The routes, with a webhook outcome route that knows no outcomes. */
    public static Router build(InstanceApi api, EntityApi entities, EventStreamApi events, OpenApi openApi) {
        return build(api, entities, events, new WebhookApi(java.util.Map.of()), openApi);
    }

    /** The routes, with a registry route that knows no names. */
    public static Router build(InstanceApi api, EntityApi entities, EventStreamApi events, WebhookApi webhooks,
                               OpenApi openApi) {
        return build(api, entities, events, webhooks, RegistryApi.empty(), openApi);
    }

    public static Router build(InstanceApi api, EntityApi entities, EventStreamApi events, WebhookApi webhooks,
                               RegistryApi registry, OpenApi openApi) {
        Router r = new Router();
        webhook(r, "GET", "/openapi.json", "getOpenApiDocument", false, openApi::serve);
        // durable-kafka's own: served hubs and registered names, for clients that offer them (the dashboard).
        webhook(r, "GET", "/registry", "getRegistry", true, registry::serve);
        webhook(r, "POST", "/orchestrators/{functionName}", "startOrchestration", true, api::start);
        webhook(r, "POST", "/orchestrators/{functionName}/{instanceId}", "startOrchestrationWithId", true, api::start);
        webhook(r, "GET", "/instances", "listInstances", true, api::list);
        webhook(r, "DELETE", "/instances", "purgeInstances", true, api::purgeMany);
        // durable-kafka's event streams; the literal "events" is registered before "{instanceId}".
        webhook(r, "GET", "/instances/events", "streamInstancesEvents", true, events::hubEvents);
        webhook(r, "GET", "/instances/{instanceId}", "getInstanceStatus", true, api::status);
        webhook(r, "GET", "/instances/{instanceId}/events", "streamInstanceEvents", true, events::instanceEvents);
        webhook(r, "DELETE", "/instances/{instanceId}", "purgeInstance", true, api::purge);
        webhook(r, "POST", "/instances/{instanceId}/raiseEvent/{eventName}", "raiseEvent", true, api::raiseEvent);
        webhook(r, "POST", "/instances/{instanceId}/terminate", "terminateInstance", true, api::terminate);
        webhook(r, "POST", "/instances/{instanceId}/suspend", "suspendInstance", true, api::suspend);
        webhook(r, "POST", "/instances/{instanceId}/resume", "resumeInstance", true, api::resume);
        webhook(r, "POST", "/instances/{instanceId}/rewind", "rewindInstance", true, api::rewind);
        webhook(r, "POST", "/instances/{instanceId}/restart", "restartInstance", true, api::restart);
        // durable-kafka's own: the completion callback's delivery outcome.
        webhook(r, "GET", "/instances/{instanceId}/webhook", "getInstanceWebhook", true, webhooks::outcome);
        webhook(r, "GET", "/entities", "listEntities", true, entities::list);
        // Clean-up has no route in the extension; "clean" is a literal here (an empty entity key is invalid).
        webhook(r, "POST", "/entities/clean", "cleanEntityStorage", true, entities::clean);
        webhook(r, "GET", "/entities/{entityName}", "listEntitiesByName", true, entities::list);
        webhook(r, "GET", "/entities/{entityName}/{entityKey}", "getEntity", true, entities::get);
        webhook(r, "POST", "/entities/{entityName}/{entityKey}", "signalEntity", true, entities::signal);
        webhook(r, "DELETE", "/entities/{entityName}/{entityKey}", "deleteEntity", true, entities::delete);

        // The management routes: the literal "start" is registered before "{instanceId}".
        r.add("POST", MANAGEMENT_PREFIX + "/start/{orchestratorName}", "managementStart", true, api::managementStart);
        r.add("GET", MANAGEMENT_PREFIX + "/{instanceId}", "managementGetStatus", true, api::status);
        r.add("DELETE", MANAGEMENT_PREFIX + "/{instanceId}", "managementPurge", true, api::purge);
        r.add("POST", MANAGEMENT_PREFIX + "/{instanceId}/raiseEvent/{eventName}", "managementRaiseEvent", true,
                api::raiseEvent);
        r.add("POST", MANAGEMENT_PREFIX + "/{instanceId}/terminate", "managementTerminate", true,
                api::managementTerminate);
        return r;
    }

    private static void webhook(Router r, String method, String suffix, String name, boolean hubScoped,
                                Router.Handler handler) {
        r.add(method, WEBHOOK_PREFIX + suffix, name, hubScoped, handler);
        r.add(method, V1_PREFIX + suffix, name + "V1", hubScoped, handler);
    }
}
