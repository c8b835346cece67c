package io.durablekafka.common.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void matchesOneOfTheSecretsExactly() {
        List<String> keys = Arrays.asList("hub-key", null, "gateway-key-ä");
        assertTrue(Secrets.matchesAny("hub-key", keys));
        assertTrue(Secrets.matchesAny("gateway-key-ä", keys), "UTF-8");
        assertFalse(Secrets.matchesAny("hub-ke", keys), "a prefix");
        assertFalse(Secrets.matchesAny("hub-key2", keys), "longer");
        assertFalse(Secrets.matchesAny("HUB-KEY", keys), "case matters");
        assertFalse(Secrets.matchesAny("", keys));
        assertFalse(Secrets.matchesAny(null, keys));
        assertFalse(Secrets.matchesAny("hub-key", List.of()));
    }
}
