package io.durablekafka.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.durablekafka.common.messages.OrchestrationMessage;
import io.durablekafka.common.messages.ReleaseEntityLock;
import io.durablekafka.common.messages.SignalEntity;
import io.durablekafka.common.store.EntityLockHolder;
import io.durablekafka.common.tracing.TraceContext;
import io.durablekafka.gateway.publish.PublishException;
import io.durablekafka.gateway.views.EntityQuery;
import io.durablekafka.gateway.views.EntityView;
import io.durablekafka.gateway.views.InstanceView;
import io.durablekafka.gateway.views.Page;
import io.durablekafka.gateway.views.ReadViews;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable entity operations behind every protocol the gateway speaks (the HTTP API's {@link EntityApi}, the
 * Durable Task gRPC endpoint): signal, read, list and clean. Refusals are {@link ApiException}s.
 */
public final class EntityOperations {

    /** The operation a storage clean-up signals to remove an empty entity. */
    public static final String DELETE_OPERATION = "delete";
    /** {@code source} of the {@code delete} signals a storage clean-up sends. */
    public static final String CLEAN_SOURCE = "clean";
    private static final Logger LOG = LoggerFactory.getLogger(EntityOperations.class);

    private final Set<String> knownEntities;
    private final Duration barrierTimeout;
    private final int scanBudget;

    /**
     * @param knownEntities  entity names a signal may use (any case); empty accepts any
     * @param barrierTimeout longest a read waits for the views to be consistent with Kafka
     * @param scanBudget     entities a list page visits at most
     */
    public EntityOperations(Set<String> knownEntities, Duration barrierTimeout, int scanBudget) {
        this.knownEntities = knownEntities.stream().map(n -> n.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.barrierTimeout = barrierTimeout;
        this.scanBudget = scanBudget;
    }

    /** What a storage clean-up did. */
    public record Cleaned(int emptyEntitiesRemoved, int orphanedLocksReleased) {
    }

    /**
     * Signals {@code operation} to the entity {@code @name@key} (its ID, checked), with {@code input} (null: none),
     * no earlier than {@code scheduledTime} (null: at once).
     *
     * @throws ApiException 400 for an empty operation, 404 for an entity name that is not registered
     */
    public void signal(HubServices hub, String entityId, String operation, JsonNode input, Instant scheduledTime,
                       String source, TraceContext trace) throws InterruptedException, PublishException {
        if (operation == null || operation.isEmpty()) {
            throw ApiException.badRequest("MissingOperation", "The signal must name the operation to run, e.g. add "
                    + "(the nodes refuse signals without an operation name).");
        }
        checkKnown(nameOf(entityId));
        hub.publisher().publish(new SignalEntity(entityId, operation, input, scheduledTime, source), trace);
    }

    /** @throws ApiException 404 for an entity name that is not registered */
    public void checkKnown(String name) {
        if (!knownEntities.isEmpty() && !knownEntities.contains(name.toLowerCase(Locale.ROOT))) {
            throw new ApiException(404, "UnknownEntity", "The entity name '" + name + "' was not found. Known "
                    + "entities: " + knownEntities.stream().sorted().toList() + ".");
        }
    }

    /** The name part of a valid entity ID {@code @name@key}. */
    private static String nameOf(String entityId) {
        return entityId.substring(1, entityId.indexOf('@', 1));
    }

    /**
     * The entity if it exists (has a state), consistent with every change the nodes committed before this call.
     */
    public Optional<EntityView> find(HubServices hub, String entityId) throws InterruptedException {
        return hub.views().findEntityConsistent(entityId, barrierTimeout);
    }

    /** One page of the entities matching {@code query} after {@code continuation} (null: the first page). */
    public Page<EntityView> list(HubServices hub, EntityQuery query, String continuation, int top)
            throws InterruptedException {
        String after = EntityApi.decodeToken(continuation);
        ReadViews views = hub.views();
        views.awaitAllCaughtUp(barrierTimeout);
        return query.page(views.store(), after, top, scanBudget);
    }

    /** The continuation token that resumes after {@code page} (null: it was the last). */
    public static String continuation(Page<EntityView> page) {
        return page.hasMore() ? EntityApi.encodeToken(page.resume()) : null;
    }

    /**
     * {@code CleanEntityStorageAsync}: releases every lock held by an orchestration that has ended or does not
     * exist (a {@code ReleaseEntityLock} to the entity, naming the critical section that holds it), and removes
     * every entity whose record has no state and no lock (a {@code delete} signal), once the messages are in Kafka.
     */
    public Cleaned clean(HubServices hub, boolean removeEmpty, boolean releaseLocks, TraceContext trace)
            throws InterruptedException, PublishException {
        ReadViews views = hub.views();
        // Every partition: the entities and the instances owning their locks may live in any.
        views.awaitCaughtUp(views.allPartitions(), barrierTimeout);
        List<EntityView> entities = new ArrayList<>();
        views.store().forEachEntity("", null, listed -> {
            EntityView entity = listed.view();
            if (entity != null) {
                entities.add(entity);
            }
            return true;
        });
        List<OrchestrationMessage> messages = new ArrayList<>();
        int removed = 0;
        int released = 0;
        for (EntityView entity : entities) {
            EntityLockHolder holder = entity.lockedBy();
            if (holder != null) {
                if (releaseLocks && isOrphaned(views, holder)) {
                    messages.add(new ReleaseEntityLock(entity.entityId(), holder.instanceId(), holder.executionId(),
                            holder.taskId()));
                    released++;
                }
            } else if (removeEmpty && !entity.exists()) {
                messages.add(new SignalEntity(entity.entityId(), DELETE_OPERATION, null, null, CLEAN_SOURCE));
                removed++;
            }
        }
        if (!messages.isEmpty()) {
            hub.publisher().publishAll(messages, trace);
            LOG.info("entity storage of hub {} cleaned: {} empty entities removed, {} orphaned locks released",
                    hub.name(), removed, released);
        }
        return new Cleaned(removed, released);
    }

    /** A lock is orphaned when its owner does not exist or has ended (a live owner releases its locks itself). */
    private static boolean isOrphaned(ReadViews views, EntityLockHolder holder) {
        Optional<InstanceView> owner = views.find(holder.instanceId());
        return owner.isEmpty() || !owner.get().isActive();
    }
}
