package io.durablekafka.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    /** The signing test vector of the Standard Webhooks reference libraries (libraries/go/webhook_test.go). */
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheStandardWebhooksTestVector() {
        assertEquals(EXPECTED, new WebhookSigner(SECRET).sign(ID, TIMESTAMP, BODY));
        assertEquals(EXPECTED, new WebhookSigner(SECRET.substring("whsec_".length())).sign(ID, TIMESTAMP, BODY),
                "the prefix is optional");
    }

    @Test
    void verifiesAnyOfSeveralSignaturesAndRejectsChanges() {
        WebhookSigner signer = new WebhookSigner(SECRET);
        assertTrue(signer.verify(ID, TIMESTAMP, BODY, EXPECTED));
        assertTrue(signer.verify(ID, TIMESTAMP, BODY, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + EXPECTED));
        assertFalse(signer.verify(ID, TIMESTAMP + 1, BODY, EXPECTED));
        assertFalse(signer.verify(ID + "x", TIMESTAMP, BODY, EXPECTED));
        assertFalse(signer.verify(ID, TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), EXPECTED));
        assertFalse(signer.verify(ID, TIMESTAMP, BODY, null));
    }

    @Test
    void generatedSecretsAreUsableAndDiffer() {
        String a = WebhookSigner.generateSecret();
        assertTrue(a.startsWith("whsec_"));
        new WebhookSigner(a);
        assertFalse(a.equals(WebhookSigner.generateSecret()));
    }

    @Test
    void refusesSecretsThatAreNotBase64KeysOfSixteenBytesOrMore() {
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner(""));
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner("whsec_not base64!"));
        assertThrows(IllegalArgumentException.class, () -> new WebhookSigner("whsec_c2hvcnQ="));
    }
}
