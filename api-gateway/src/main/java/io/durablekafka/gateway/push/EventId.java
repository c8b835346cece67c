package io.durablekafka.gateway.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.durablekafka.common.serde.Json;
import io.durablekafka.common.status.InstanceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The {@code id:} of a status event: {@code <lastUpdatedTime in epoch milliseconds>-<fingerprint>}, the fingerprint
 * a hash of the fields whose change makes an event (instance ID, runtime status, custom status, output, failure
 * details, created time). The view keeps only each instance's latest status, so an ID must say by itself whether a
 * status is news to a client that saw it: the same fingerprint means the same event, and an older time means a view
 * behind the one that served the client (another gateway catching up).
 *
 * @param millis      the status's last update (its created time while it has none), epoch milliseconds
 * @param fingerprint eight hex digits
 */
public record EventId(long millis, String fingerprint) {

    /** The event a status makes. */
    public static EventId of(InstanceStatus s) {
        Instant time = s.lastUpdatedTime() != null ? s.lastUpdatedTime() : s.createdTime();
        Object[] fields = {s.instanceId(), s.runtimeStatus(), s.customStatus(), s.output(), s.failureDetails(),
                s.createdTime()};
        CRC32C crc = new CRC32C();
        try {
            crc.update(Json.MAPPER.writeValueAsBytes(Arrays.asList(fields)));
        } catch (JsonProcessingException e) {
            crc.update(String.valueOf(Arrays.asList(fields)).getBytes(StandardCharsets.UTF_8));
        }
        return new EventId(time == null ? 0 : time.toEpochMilli(),
                HexFormat.of().toHexDigits((int) crc.getValue()));
    }

    /**
     * A {@code Last-Event-ID} header, or null when absent or blank.
     *
     * @throws IllegalArgumentException when it is not an ID this gateway hands out
     */
    public static EventId parse(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.strip();
        int dash = v.indexOf('-');
        if (dash <= 0 || v.length() - dash - 1 != 8) {
            throw new IllegalArgumentException("not an event ID: '" + header + "'");
        }
        try {
            long millis = Long.parseLong(v.substring(0, dash));
            HexFormat.fromHexDigits(v, dash + 1, v.length());
            return new EventId(millis, v.substring(dash + 1).toLowerCase(java.util.Locale.ROOT));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an event ID: '" + header + "'");
        }
    }

    /** Whether a client whose last event was {@code last} has seen this one (or a later one) already. */
    public boolean seenBy(EventId last) {
        return last != null && (fingerprint.equals(last.fingerprint) || millis < last.millis);
    }

    /**
     * Whether a client of a hub stream whose last event was {@code last} (of any instance) has not seen this one:
     * it is later, or as late with other content. Times are the nodes' clocks, so this is as exact as they agree.
     */
    public boolean after(EventId last) {
        return last == null || millis > last.millis || (millis == last.millis && !fingerprint.equals(last.fingerprint));
    }

    /** Whether this status makes the same event as {@code other} (null: no event yet). */
    public boolean sameEvent(EventId other) {
        return other != null && fingerprint.equals(other.fingerprint);
    }

    @Override
    public String toString() {
        return millis + "-" + fingerprint;
    }
}
