package io.durablekafka.gateway.api;

import io.durablekafka.common.status.InstanceStatus;
import io.durablekafka.gateway.push.EventId;
import io.durablekafka.gateway.push.EventStream;
import io.durablekafka.gateway.push.EventStreams;
import io.durablekafka.gateway.push.HubFollower;
import io.durablekafka.gateway.push.InstanceFollower;
import io.durablekafka.gateway.views.InstanceQuery;
import io.durablekafka.gateway.views.InstanceView;
import java.util.function.Function;

/**
 * The durable-kafka extension routes that push status changes as Server-Sent Events instead of being polled: one
 * instance ({@code GET .../instances/{instanceId}/events}) or every instance of a hub that matches list filters
 * ({@code GET .../instances/events}). Each event's data is the instance's status body (as GET status shows it,
 * without history) and its {@code id:} an {@link EventId}, which a reconnecting client sends back as
 * {@code Last-Event-ID}. The request is validated in full before the stream opens, so errors are JSON as on every
 * route.
 */
public final class EventStreamApi {

    public static final String LAST_EVENT_ID = "Last-Event-ID";

    private final InstanceApi instances;
    private final EventStreams streams;

    public EventStreamApi(InstanceApi instances, EventStreams streams) {
        this.instances = instances;
        this.streams = streams;
    }

    /**
     * {@code GET .../instances/{instanceId}/events}: 404 for an unknown instance; 204 when it has ended and the
     * client saw its final event (an {@code EventSource} then stops reconnecting); else the stream, which ends after
     * the terminal event.
     */
    public void instanceEvents(Call call) throws InterruptedException {
        String instanceId = InstanceIds.validate(call.path("instanceId"));
        Function<InstanceStatus, String> render = renderer(call);
        EventId last = lastEventId(call);
        InstanceView view = instances.requireInstance(call, instanceId);
        if (!view.isActive() && EventId.of(view.status()).seenBy(last)) {
            call.ctx().status(204);
            return;
        }
        EventStream stream = streams.open(call.ctx());
        new InstanceFollower(stream, call.hub().views(), instanceId, last, render, streams.executor()).start();
    }

    /**
     * {@code GET .../instances/events?runtimeStatus=&createdTimeFrom=&createdTimeTo=&instanceIdPrefix=}: the changes
     * of the matching instances from now on (after {@code Last-Event-ID}, when sent). The stream does not end.
     */
    public void hubEvents(Call call) {
        InstanceQuery query = new InstanceQuery(call.query("instanceIdPrefix"), InstanceApi.time(call, "createdTimeFrom"),
                InstanceApi.time(call, "createdTimeTo"), InstanceApi.statuses(call));
        Function<InstanceStatus, String> render = renderer(call);
        EventId last = lastEventId(call);
        EventStream stream = streams.open(call.ctx());
        new HubFollower(stream, call.hub().views(), query, render, streams.executor()).start(last);
    }

    private static Function<InstanceStatus, String> renderer(Call call) {
        boolean showInput = InstanceApi.flag(call, "showInput", true);
        return status -> StatusRenderer.render(status, showInput, null).toString();
    }

    private static EventId lastEventId(Call call) {
        String header = call.header(LAST_EVENT_ID);
        try {
            return EventId.parse(header);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("InvalidLastEventId", "'" + LAST_EVENT_ID + "' must be the id of an event "
                    + "of this API (<epoch milliseconds>-<8 hex digits>), not '" + header + "'.");
        }
    }
}
