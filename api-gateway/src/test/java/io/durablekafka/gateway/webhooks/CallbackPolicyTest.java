package io.durablekafka.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallbackPolicyTest {

    /** A DNS of its own: names to addresses, literals as themselves. */
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1::1"),
            "intranet.example.com", List.of("10.1.2.3"),
            "sneaky.example.com", List.of("93.184.216.34", "127.0.0.1"),
            "metadata.example.com", List.of("169.254.169.254"),
            "a.hooks.example.org", List.of("192.168.1.10"));

    private static final CallbackPolicy.Resolver RESOLVER = host -> {
        List<String> names = DNS.get(host);
        if (names == null) {
            if (Character.isDigit(host.charAt(0)) || host.contains(":")) {
                return List.of(InetAddress.getByName(host)); // a literal: no lookup
            }
            throw new UnknownHostException(host);
        }
        return names.stream().map(CallbackPolicyTest::address).toList();
    };

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static CallbackPolicy policy(boolean allowPrivate, String... allowed) {
        return new CallbackPolicy(new HostAllowList(Arrays.asList(allowed)), allowPrivate, RESOLVER);
    }

    private static String refusal(CallbackPolicy p, String url) {
        return assertThrows(CallbackPolicy.Refused.class, () -> p.check(url), url).getMessage();
    }

    @Test
    void acceptsAbsoluteHttpAndHttpsUrlsToPublicHosts() throws Exception {
        CallbackPolicy p = policy(false);
        assertEquals("https://hooks.example.com/done?x=1", p.check("https://hooks.example.com/done?x=1").toString());
        p.check("HTTP://hooks.example.com:8080/done");
        p.check("http://93.184.216.34/done");
    }

    @Test
    void refusesWhatIsNotAnAbsoluteHttpUrl() {
        CallbackPolicy p = policy(true);
        assertTrue(refusal(p, "ftp://hooks.example.com/x").contains("http or https"));
        assertTrue(refusal(p, "/relative/path").contains("http or https"));
        assertTrue(refusal(p, "javascript:alert(1)").contains("http or https"));
        assertTrue(refusal(p, "http://exa mple.com/").contains("not a valid URL"));
        assertTrue(refusal(p, "https://user:pw@hooks.example.com/").contains("user information"));
        assertTrue(refusal(p, "http:///nohost").contains("no host"));
        assertTrue(refusal(p, " ").contains("empty"));
    }

    @Test
    void refusesPrivateLoopbackLinkLocalAndReservedAddresses() {
        CallbackPolicy p = policy(false);
        for (String url : List.of("http://127.0.0.1:8080/", "http://localhost-literal.invalid/", "http://10.0.0.1/",
                "http://172.16.5.4/", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data",
                "http://100.64.0.1/", "http://0.0.0.0/", "http://[::1]/", "http://[fd00::1]/", "http://[fe80::1]/",
                "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://255.255.255.255/",
                "http://intranet.example.com/", "http://metadata.example.com/")) {
            assertThrows(CallbackPolicy.Refused.class, () -> p.check(url), url);
        }
        assertTrue(refusal(p, "http://sneaky.example.com/").contains("127.0.0.1"),
                "every address counts, not just the first");
        assertTrue(refusal(p, "http://nowhere.example.com/").contains("cannot be resolved"));
    }

    @Test
    void privateTargetsPassWhenAllowed() throws Exception {
        CallbackPolicy p = policy(true);
        p.check("http://127.0.0.1:8080/hook");
        p.check("http://intranet.example.com/");
    }

    @Test
    void theAllowListLimitsHostsAndTrustsTheOnesItNames() throws Exception {
        CallbackPolicy p = policy(false, "*.hooks.example.org", "hooks.example.com");
        p.check("https://hooks.example.com/");
        p.check("https://a.hooks.example.org/"); // listed: its private address is trusted
        assertTrue(refusal(p, "https://hooks.example.org/").contains("allow-list"), "the wildcard needs a label");
        assertTrue(refusal(p, "https://intranet.example.com/").contains("allow-list"));
        assertTrue(refusal(p, "https://evilhooks.example.com/").contains("allow-list"));
    }

    @Test
    void hostPatternsIgnoreCaseAndTrailingDots() {
        HostAllowList list = new HostAllowList(List.of(" *.Example.COM ", "api.test."));
        assertTrue(list.matches("a.b.example.com"));
        assertTrue(list.matches("A.EXAMPLE.COM."));
        assertTrue(list.matches("api.test"));
        assertFalse(list.matches("example.com"));
        assertFalse(list.matches("badexample.com"));
        assertTrue(new HostAllowList(List.of("", " ")).isEmpty());
    }

    @Test
    void publicAddressesAreTheOnesOutsideSpecialRanges() {
        assertTrue(PublicAddresses.isPublic(address("8.8.8.8")));
        assertTrue(PublicAddresses.isPublic(address("2001:4860:4860::8888")));
        assertTrue(PublicAddresses.isPublic(address("172.32.0.1")));
        assertFalse(PublicAddresses.isPublic(address("172.31.255.255")));
        assertFalse(PublicAddresses.isPublic(address("198.18.0.1")));
        assertFalse(PublicAddresses.isPublic(address("192.0.2.1")));
        assertFalse(PublicAddresses.isPublic(address("2001:db8::1")));
        assertFalse(PublicAddresses.isPublic(address("64:ff9b::a00:1")), "NAT64 of 10.0.0.1");
        assertFalse(PublicAddresses.isPublic(address("::")));
    }
}
