package io.durablekafka.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message for one orchestration instance, the value of a record on the {@code orchestrations} topic
 * (key = instance ID). This is a public contract: external producers may write {@link StartOrchestration}
 * and {@link RaiseEvent} records themselves, and {@link SignalEntity} records for entities (key = entity ID
 * {@code @name@key}). The {@code type} property selects the record type and
 * {@code v} is the schema version (readers dead-letter versions newer than they know).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StartOrchestration.class, name = "StartOrchestration"),
        @JsonSubTypes.Type(value = RaiseEvent.class, name = "RaiseEvent"),
        @JsonSubTypes.Type(value = CompleteTask.class, name = "CompleteTask"),
        @JsonSubTypes.Type(value = FailTask.class, name = "FailTask"),
        @JsonSubTypes.Type(value = CompleteSubOrchestration.class, name = "CompleteSubOrchestration"),
        @JsonSubTypes.Type(value = FailSubOrchestration.class, name = "FailSubOrchestration"),
        @JsonSubTypes.Type(value = TerminateOrchestration.class, name = "TerminateOrchestration"),
        @JsonSubTypes.Type(value = SuspendOrchestration.class, name = "SuspendOrchestration"),
        @JsonSubTypes.Type(value = ResumeOrchestration.class, name = "ResumeOrchestration"),
        @JsonSubTypes.Type(value = RewindOrchestration.class, name = "RewindOrchestration"),
        @JsonSubTypes.Type(value = PurgeInstance.class, name = "PurgeInstance"),
        @JsonSubTypes.Type(value = SignalEntity.class, name = "SignalEntity"),
        @JsonSubTypes.Type(value = CallEntity.class, name = "CallEntity"),
        @JsonSubTypes.Type(value = CompleteEntityOperation.class, name = "CompleteEntityOperation"),
        @JsonSubTypes.Type(value = FailEntityOperation.class, name = "FailEntityOperation"),
        @JsonSubTypes.Type(value = RequestEntityLock.class, name = "RequestEntityLock"),
        @JsonSubTypes.Type(value = GrantEntityLock.class, name = "GrantEntityLock"),
        @JsonSubTypes.Type(value = ReleaseEntityLock.class, name = "ReleaseEntityLock"),
        @JsonSubTypes.Type(value = CompleteOrchestratorWork.class, name = "CompleteOrchestratorWork"),
        @JsonSubTypes.Type(value = AbandonOrchestratorWork.class, name = "AbandonOrchestratorWork"),
        @JsonSubTypes.Type(value = CompleteEntityWork.class, name = "CompleteEntityWork"),
        @JsonSubTypes.Type(value = AbandonEntityWork.class, name = "AbandonEntityWork"),
})
@JsonIgnoreProperties(value = {"v"}, allowGetters = true, ignoreUnknown = true)
public sealed interface OrchestrationMessage
        permits StartOrchestration, RaiseEvent, CompleteTask, FailTask, CompleteSubOrchestration,
        FailSubOrchestration, TerminateOrchestration, SuspendOrchestration, ResumeOrchestration,
        RewindOrchestration, PurgeInstance, EntityMessage, EntityAnswer, CompleteOrchestratorWork,
        AbandonOrchestratorWork, EntityWorkAnswer {

    int SCHEMA_VERSION = 1;

    /** The instance this message is for; equals the record key. */
    String instanceId();

    @JsonProperty("v")
    default int schemaVersion() {
        return SCHEMA_VERSION;
    }
}
