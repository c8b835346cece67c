package io.durablekafka.gateway.sidecar;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of the two client RPCs that the current {@code microsoft/durabletask-protobuf} revision has and the
 * stubs artifact we build on ({@code io.dapr:durabletask-client} 1.5.10) does not: {@code RestartInstance} and
 * {@code ListInstanceIds}, which the official JavaScript and .NET SDKs call. Four small messages, read and written
 * with protobuf's own wire codec by their field numbers (those of {@code orchestrator_service.proto}), so that the
 * rest of the protocol still comes from the artifact and not from a copy of the protocol file.
 */
final class NewerRevisionMessages {

    private NewerRevisionMessages() {
    }

    /** {@code RestartInstanceRequest}: instanceId = 1, restartWithNewInstanceId = 2. */
    record RestartInstanceRequest(String instanceId, boolean restartWithNewInstanceId) {

        static RestartInstanceRequest parse(CodedInputStream in) throws IOException {
            String instanceId = "";
            boolean newId = false;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case (1 << 3) | 2 -> instanceId = in.readStringRequireUtf8();
                    case (2 << 3) -> newId = in.readBool();
                    default -> in.skipField(tag);
                }
            }
            return new RestartInstanceRequest(instanceId, newId);
        }

        void writeTo(CodedOutputStream out) throws IOException {
            if (!instanceId.isEmpty()) {
                out.writeString(1, instanceId);
            }
            if (restartWithNewInstanceId) {
                out.writeBool(2, true);
            }
        }
    }

    /** {@code RestartInstanceResponse}: instanceId = 1. */
    record RestartInstanceResponse(String instanceId) {

        static RestartInstanceResponse parse(CodedInputStream in) throws IOException {
            String instanceId = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == ((1 << 3) | 2)) {
                    instanceId = in.readStringRequireUtf8();
                } else {
                    in.skipField(tag);
                }
            }
            return new RestartInstanceResponse(instanceId);
        }

        void writeTo(CodedOutputStream out) throws IOException {
            if (!instanceId.isEmpty()) {
                out.writeString(1, instanceId);
            }
        }
    }

    /**
     * {@code ListInstanceIdsRequest}: runtimeStatus = 1 (repeated enum, packed or not), completedTimeFrom = 2,
     * completedTimeTo = 3, pageSize = 4, lastInstanceKey = 5 (a {@code StringValue}). Absent times and key are null.
     */
    record ListInstanceIdsRequest(List<OrchestrationStatus> runtimeStatus, Timestamp completedTimeFrom,
                                  Timestamp completedTimeTo, int pageSize, String lastInstanceKey) {

        ListInstanceIdsRequest {
            runtimeStatus = List.copyOf(runtimeStatus);
        }

        static ListInstanceIdsRequest parse(CodedInputStream in) throws IOException {
            List<OrchestrationStatus> statuses = new ArrayList<>();
            Timestamp from = null;
            Timestamp to = null;
            int pageSize = 0;
            String lastKey = null;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case (1 << 3) -> statuses.add(status(in.readEnum()));
                    case (1 << 3) | 2 -> {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            statuses.add(status(in.readEnum()));
                        }
                        in.popLimit(limit);
                    }
                    case (2 << 3) | 2 -> from = in.readMessage(Timestamp.parser(), ExtensionRegistryLite.getEmptyRegistry());
                    case (3 << 3) | 2 -> to = in.readMessage(Timestamp.parser(), ExtensionRegistryLite.getEmptyRegistry());
                    case (4 << 3) -> pageSize = in.readInt32();
                    case (5 << 3) | 2 -> lastKey = in.readMessage(StringValue.parser(), ExtensionRegistryLite.getEmptyRegistry()).getValue();
                    default -> in.skipField(tag);
                }
            }
            return new ListInstanceIdsRequest(statuses, from, to, pageSize, lastKey);
        }

        private static OrchestrationStatus status(int number) {
            OrchestrationStatus s = OrchestrationStatus.forNumber(number);
            if (s == null) {
                throw Status.INVALID_ARGUMENT.withDescription("unknown runtimeStatus " + number).asRuntimeException();
            }
            return s;
        }

        void writeTo(CodedOutputStream out) throws IOException {
            for (OrchestrationStatus s : runtimeStatus) {
                out.writeEnum(1, s.getNumber());
            }
            if (completedTimeFrom != null) {
                out.writeMessage(2, completedTimeFrom);
            }
            if (completedTimeTo != null) {
                out.writeMessage(3, completedTimeTo);
            }
            if (pageSize != 0) {
                out.writeInt32(4, pageSize);
            }
            if (lastInstanceKey != null) {
                out.writeMessage(5, StringValue.of(lastInstanceKey));
            }
        }
    }

    /** {@code ListInstanceIdsResponse}: instanceIds = 1 (repeated), lastInstanceKey = 2 (null: the last page). */
    record ListInstanceIdsResponse(List<String> instanceIds, String lastInstanceKey) {

        ListInstanceIdsResponse {
            instanceIds = List.copyOf(instanceIds);
        }

        static ListInstanceIdsResponse parse(CodedInputStream in) throws IOException {
            List<String> ids = new ArrayList<>();
            String lastKey = null;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case (1 << 3) | 2 -> ids.add(in.readStringRequireUtf8());
                    case (2 << 3) | 2 -> lastKey = in.readMessage(StringValue.parser(), ExtensionRegistryLite.getEmptyRegistry()).getValue();
                    default -> in.skipField(tag);
                }
            }
            return new ListInstanceIdsResponse(ids, lastKey);
        }

        void writeTo(CodedOutputStream out) throws IOException {
            for (String id : instanceIds) {
                out.writeString(1, id);
            }
            if (lastInstanceKey != null) {
                out.writeMessage(2, StringValue.of(lastInstanceKey));
            }
        }
    }

    interface Parser<T> {
        T parse(CodedInputStream in) throws IOException;
    }

    interface Writer<T> {
        void write(T message, CodedOutputStream out) throws IOException;
    }

    /** How a message is read and written. */
    record Codec<T>(Parser<T> parser, Writer<T> writer) {
    }

    static final Codec<RestartInstanceRequest> RESTART_REQUEST =
            new Codec<>(RestartInstanceRequest::parse, RestartInstanceRequest::writeTo);
    static final Codec<RestartInstanceResponse> RESTART_RESPONSE =
            new Codec<>(RestartInstanceResponse::parse, RestartInstanceResponse::writeTo);
    static final Codec<ListInstanceIdsRequest> LIST_IDS_REQUEST =
            new Codec<>(ListInstanceIdsRequest::parse, ListInstanceIdsRequest::writeTo);
    static final Codec<ListInstanceIdsResponse> LIST_IDS_RESPONSE =
            new Codec<>(ListInstanceIdsResponse::parse, ListInstanceIdsResponse::writeTo);

    /** The message's bytes on the wire. */
    static <T> byte[] toBytes(Codec<T> codec, T message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            codec.writer().write(message, out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A gRPC marshaller of the message; a request that does not parse is INVALID_ARGUMENT. */
    static <T> MethodDescriptor.Marshaller<T> marshaller(Codec<T> codec) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                return new ByteArrayInputStream(toBytes(codec, value));
            }

            @Override
            public T parse(InputStream stream) {
                try {
                    return codec.parser().parse(CodedInputStream.newInstance(stream));
                } catch (IOException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("a malformed message: " + e.getMessage())
                            .withCause(e).asRuntimeException();
                }
            }
        };
    }
}
