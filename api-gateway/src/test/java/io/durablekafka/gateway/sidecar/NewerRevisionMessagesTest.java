package io.durablekafka.gateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import io.dapr.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.ListInstanceIdsRequest;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.ListInstanceIdsResponse;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.RestartInstanceRequest;
import io.durablekafka.gateway.sidecar.NewerRevisionMessages.RestartInstanceResponse;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of the newer revision's messages, checked byte by byte against protobuf's encoding rules. */
class NewerRevisionMessagesTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aRestartRequestIsTwoFields() {
        RestartInstanceRequest request = new RestartInstanceRequest("abc", true);
        // field 1, length-delimited "abc"; field 2, varint 1
        assertEquals("0a03616263" + "1001", HEX.formatHex(NewerRevisionMessages.toBytes(
                NewerRevisionMessages.RESTART_REQUEST, request)));
        assertEquals(request, parse(NewerRevisionMessages.RESTART_REQUEST, "0a036162631001"));
        assertEquals(new RestartInstanceRequest("abc", false), parse(NewerRevisionMessages.RESTART_REQUEST, "0a03616263"));
        assertEquals(new RestartInstanceResponse("x"), parse(NewerRevisionMessages.RESTART_RESPONSE,
                HEX.formatHex(NewerRevisionMessages.toBytes(NewerRevisionMessages.RESTART_RESPONSE,
                        new RestartInstanceResponse("x")))));
    }

    @Test
    void unknownFieldsAreSkippedAsProtobufDoes() {
        // field 9 (varint 5) and field 10 (length-delimited "zz") around the instance ID.
        assertEquals(new RestartInstanceRequest("abc", false),
                parse(NewerRevisionMessages.RESTART_REQUEST, "4805" + "0a03616263" + "52027a7a"));
    }

    @Test
    void statusesArriveWhetherPackedOrNot() {
        // packed: field 1, length 2, COMPLETED (1) and FAILED (3); page size 2 (field 4); key "k" in a StringValue (5)
        ListInstanceIdsRequest packed = parse(NewerRevisionMessages.LIST_IDS_REQUEST, "0a020103" + "2002" + "2a030a016b");
        assertEquals(List.of(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED,
                OrchestrationStatus.ORCHESTRATION_STATUS_FAILED), packed.runtimeStatus());
        assertEquals(2, packed.pageSize());
        assertEquals("k", packed.lastInstanceKey());
        ListInstanceIdsRequest unpacked = parse(NewerRevisionMessages.LIST_IDS_REQUEST, "0801" + "0803");
        assertEquals(packed.runtimeStatus(), unpacked.runtimeStatus());
        assertEquals(null, unpacked.lastInstanceKey());
    }

    @Test
    void completedTimesAreTimestamps() {
        Timestamp from = Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(5).build();
        ListInstanceIdsRequest request = new ListInstanceIdsRequest(List.of(), from, null, 0, null);
        byte[] bytes = NewerRevisionMessages.toBytes(NewerRevisionMessages.LIST_IDS_REQUEST, request);
        byte[] expected = new byte[2 + from.getSerializedSize()];
        expected[0] = 0x12; // field 2, length-delimited
        expected[1] = (byte) from.getSerializedSize();
        System.arraycopy(from.toByteArray(), 0, expected, 2, from.getSerializedSize());
        assertArrayEquals(expected, bytes);
        assertEquals(request, parse(NewerRevisionMessages.LIST_IDS_REQUEST, HEX.formatHex(bytes)));
    }

    @Test
    void aListResponseIsRepeatedIdsAndAnOptionalKey() {
        ListInstanceIdsResponse last = new ListInstanceIdsResponse(List.of("a", "b"), null);
        assertEquals("0a0161" + "0a0162", HEX.formatHex(NewerRevisionMessages.toBytes(
                NewerRevisionMessages.LIST_IDS_RESPONSE, last)));
        ListInstanceIdsResponse more = new ListInstanceIdsResponse(List.of(), "next");
        assertEquals("1206" + "0a046e657874", HEX.formatHex(NewerRevisionMessages.toBytes(
                NewerRevisionMessages.LIST_IDS_RESPONSE, more)));
        assertEquals(more, parse(NewerRevisionMessages.LIST_IDS_RESPONSE, "12060a046e657874"));
    }

    @Test
    void aMalformedOrUnknownValueIsInvalidArgument() {
        StatusRuntimeException truncated = assertThrows(StatusRuntimeException.class,
                () -> parse(NewerRevisionMessages.RESTART_REQUEST, "0a0561"));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, truncated.getStatus().getCode());
        StatusRuntimeException status = assertThrows(StatusRuntimeException.class,
                () -> parse(NewerRevisionMessages.LIST_IDS_REQUEST, "0863"));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, status.getStatus().getCode());
    }

    private static <T> T parse(NewerRevisionMessages.Codec<T> codec, String hex) {
        return NewerRevisionMessages.marshaller(codec).parse(new ByteArrayInputStream(HEX.parseHex(hex)));
    }
}
