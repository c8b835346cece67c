package io.durablekafka.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.durablekafka.common.config.BindHost;
import io.durablekafka.common.config.Settings;
import io.durablekafka.common.observability.ManagementServer;
import io.durablekafka.common.observability.Observability;
import io.durablekafka.common.topics.TopicNames;
import io.durablekafka.common.topics.TopicProvisioner;
import io.durablekafka.gateway.Gateway;
import io.durablekafka.gateway.GatewayOptions;
import io.durablekafka.kafka.SharedKafka;
import io.durablekafka.node.NodeOptions;
import io.durablekafka.sdk.FunctionRegistry;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * What a local cluster and a gateway alone do by default: the local cluster listens on loopback (IPv4 and IPv6, so
 * that clients resolving {@code localhost} to ::1 first connect), a gateway that would serve a hub without a key
 * beyond loopback refuses to start unless told by name.
 *
 * <p>"Nothing off the machine can connect" is checked on the addresses the sockets are bound to, not by connecting
 * to the machine's other addresses: a socket bound to 127.0.0.1 and ::1 accepts nothing else.
 */
class SecureDefaultsTest {

    private static final AtomicInteger HUBS = new AtomicInteger();
    private final FunctionRegistry registry = TestFunctions.registry();

    private static Settings settings(String name, Map<String, String> more) {
        Map<String, String> s = new HashMap<>(Map.of(Settings.BOOTSTRAP_SERVERS, SharedKafka.bootstrapServers(),
                Settings.TASK_HUB, name + HUBS.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100000, 36),
                Settings.PARTITIONS, "1", NodeOptions.COMMIT_INTERVAL_MS, "20"));
        s.putAll(more);
        return Settings.of(s);
    }

    /** A gateway alone needs its hub's topics, which nodes create. */
    private Settings provisioned(Settings settings) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            new TopicProvisioner(admin, 1, (short) 1).ensureHub(new TopicNames(settings.taskHub()),
                    registry.taskQueues());
        }
        return settings;
    }

    @Test
    void aLocalClusterListensOnLoopbackOnlyAndEveryNameOfItConnects() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(settings("Loop", Map.of()), registry, 0, null)) {
            Gateway gateway = cluster.gateway();
            assertEquals("http://localhost:" + gateway.port(), cluster.baseUrl(), "the printed URL");
            assertOnlyLoopback(gateway.boundAddresses());
            for (String host : loopbackNames()) {
                assertEquals(200, status("http://" + host + ":" + gateway.port() + "/healthz"), host);
            }
            assertListenBacklogAbove(50, gateway.port());
        }
    }

    @Test
    void managementPortsFollowTheBindHost() throws Exception {
        Observability observability = Observability.detached();
        try (ManagementServer server = ManagementServer.start(observability, BindHost.loopback(), 0)) {
            assertOnlyLoopback(server.boundAddresses());
            for (String host : loopbackNames()) {
                assertEquals(200, status("http://" + host + ":" + server.port() + "/healthz"), host);
            }
        }
        try (ManagementServer server = ManagementServer.start(observability, BindHost.any(), 0)) {
            assertTrue(server.boundAddresses().stream().allMatch(a -> a.getAddress().isAnyLocalAddress()),
                    "a role alone listens on every interface: " + server.boundAddresses());
        } finally {
            observability.close();
        }
    }

    @Test
    void theBindHostSetting() {
        assertTrue(BindHost.loopback().isLoopback());
        assertTrue(new BindHost("127.0.0.1").isLoopback());
        assertTrue(new BindHost("::1").isLoopback());
        assertFalse(new BindHost("0.0.0.0").isLoopback());
        assertTrue(new BindHost("*").isAny());
        assertTrue(new BindHost(null).isAny(), "unset: every interface");
        assertEquals("127.0.0.1", BindHost.loopback().kafkaListenerHost());
        assertEquals("localhost", BindHost.loopback().kafkaAdvertisedHost());
        assertEquals("", BindHost.any().kafkaListenerHost());
        // What launchers poll and print: a listener bound to one address answers there only.
        assertEquals("localhost", BindHost.loopback().urlHost());
        assertEquals("localhost", BindHost.any().urlHost());
        assertEquals("127.0.0.2", new BindHost("127.0.0.2").urlHost());
        assertEquals("127.0.0.2", new BindHost("127.0.0.2").kafkaAdvertisedHost(), "its listener is there only");
        assertEquals("[fe80::1]", new BindHost("fe80::1").urlHost());
        assertEquals(hasIpv6Loopback() ? 2 : 1, BindHost.loopback().addresses().size());
        assertThrows(IllegalArgumentException.class, () -> new BindHost("no-such-host.invalid").addresses());
    }

    @Test
    void aGatewayAloneRefusesToServeWithoutAKeyUnlessToldByName() throws Exception {
        Map<String, String> port0 = Map.of(GatewayOptions.PORT, "0");
        var refused = assertThrows(GatewayAccess.KeyRequired.class,
                () -> Role.start("gateway", settings("NoKey", port0), registry).close());
        assertTrue(refused.getMessage().contains(GatewayOptions.SYSTEM_KEY)
                && refused.getMessage().contains(GatewayOptions.ALLOW_ANONYMOUS), refused.getMessage());
        // Loopback alone does not make a gateway alone anonymous: a proxy on the machine could expose it.
        assertThrows(GatewayAccess.KeyRequired.class, () -> Role.start("gateway",
                settings("NoKeyLoop", Map.of(GatewayOptions.PORT, "0", BindHost.SETTING, "localhost")), registry)
                .close());
        // A key for one hub leaves the others open.
        String hub = "PartKey" + HUBS.incrementAndGet();
        assertThrows(GatewayAccess.KeyRequired.class, () -> Role.start("gateway", settings("x", Map.of(
                GatewayOptions.PORT, "0", Settings.TASK_HUB, hub, GatewayOptions.TASK_HUBS, hub + ",Other" + hub,
                GatewayOptions.HUB_SYSTEM_KEY_PREFIX + hub, "k")), registry).close());

        Settings keyed = provisioned(settings("Keyed", Map.of(GatewayOptions.PORT, "0",
                GatewayOptions.SYSTEM_KEY, "s3cret", BindHost.SETTING, "localhost")));
        try (Role gateway = Role.start("gateway", keyed, registry)) {
            String base = gateway.managementUrl();
            String instances = base + "/runtime/webhooks/durabletask/instances";
            assertEquals(401, status(instances));
            assertEquals(401, status(instances + "?code=s3cret-not"));
            assertEquals(200, status(instances + "?code=s3cret"));
        }
        try (Role gateway = Role.start("gateway", provisioned(settings("Anon", Map.of(GatewayOptions.PORT, "0",
                GatewayOptions.ALLOW_ANONYMOUS, "true"))), registry)) {
            assertTrue(((Gateway) gateway.running()).boundAddresses().stream()
                    .allMatch(a -> a.getAddress().isAnyLocalAddress()), "alone: every interface");
            assertEquals(200, status(gateway.managementUrl() + "/runtime/webhooks/durabletask/instances"));
        }
    }

    @Test
    void aLocalClusterOpenedBeyondLoopbackNeedsAKeyToo() {
        var refused = assertThrows(GatewayAccess.KeyRequired.class, () -> LocalCluster.start(
                settings("Open", Map.of(BindHost.SETTING, "0.0.0.0")), registry, 0, null).close());
        assertTrue(refused.getMessage().contains("without a key"), refused.getMessage());
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * The kernel's view of the listening sockets on {@code port}: {@code ss -ltn} shows a listener's backlog as its
     * Send-Q. Java's default backlog is 50, which refuses connections in a burst of clients. Skipped where there is
     * no {@code ss} (not Linux).
     */
    private static void assertListenBacklogAbove(int floor, int port) throws Exception {
        Process ss;
        try {
            ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return;
        }
        String out = new String(ss.getInputStream().readAllBytes());
        assertEquals(0, ss.waitFor(), out);
        List<String> listeners = out.lines().filter(l -> l.startsWith("LISTEN")).toList();
        assertFalse(listeners.isEmpty(), "no listener on " + port + " in: " + out);
        for (String line : listeners) {
            int backlog = Integer.parseInt(line.trim().split("\\s+")[2]);
            assertTrue(backlog > floor, "listen backlog " + backlog + ": " + line);
        }
    }

    private static void assertOnlyLoopback(List<InetSocketAddress> bound) {
        assertFalse(bound.isEmpty());
        assertTrue(bound.stream().allMatch(a -> a.getAddress().isLoopbackAddress()), "bound to " + bound);
        assertEquals(hasIpv6Loopback(), bound.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address),
                "::1 is bound where the machine has it: " + bound);
    }

    /** {@code localhost}, 127.0.0.1 and, where the machine has IPv6 loopback, [::1]. */
    private static List<String> loopbackNames() {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        if (hasIpv6Loopback()) {
            names.add("[::1]");
        }
        return names;
    }

    private static boolean hasIpv6Loopback() {
        try {
            return NetworkInterface.networkInterfaces().anyMatch(ni -> ni.inetAddresses()
                    .anyMatch(a -> a instanceof Inet6Address && a.isLoopbackAddress()));
        } catch (Exception e) {
            return false;
        }
    }

    private static int status(String url) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
