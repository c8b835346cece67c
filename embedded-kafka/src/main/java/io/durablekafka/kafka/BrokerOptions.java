package io.durablekafka.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How to start an {@link EmbeddedKafkaBroker}.
 *
 * @param dataDir        where the broker keeps its logs; null for a temporary directory deleted on close
 * @param port           the client port; 0 for the port of the last run on {@code dataDir} if free, else any
 * @param listenerHost   the address the client listener binds: {@code 127.0.0.1} (loopback, the default), empty for
 *                       every interface, or a host name or address
 * @param advertisedHost the host clients are told to connect to ({@code localhost} by default)
 * @param scramUsers     user name → password. None: the client listener is PLAINTEXT, no authentication. Some: it is
 *                       SASL_PLAINTEXT with {@value #SCRAM_MECHANISM}, and these users are written into the metadata
 *                       when the data directory is formatted (as {@code kafka-storage format --add-scram} does; a
 *                       data directory formatted before keeps the users it has). The first user is the broker's own
 *                       identity on its inter-broker connections (transaction markers go through them).
 */
public record BrokerOptions(Path dataDir, int port, String listenerHost, String advertisedHost,
                            Map<String, String> scramUsers) {

    /** The SASL mechanism of a broker with {@link #scramUsers()}. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-256";
    public static final String LOOPBACK_HOST = "127.0.0.1";
    public static final String LOCALHOST = "localhost";

    /** What Kafka's SCRAM argument parser and a JAAS line take without quoting rules of their own. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._~@+\\-]+");

    public BrokerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
        }
        listenerHost = listenerHost == null ? LOOPBACK_HOST : listenerHost.strip();
        advertisedHost = advertisedHost == null || advertisedHost.isBlank() ? LOCALHOST : advertisedHost.strip();
        Map<String, String> users = new LinkedHashMap<>();
        if (scramUsers != null) {
            scramUsers.forEach((user, password) -> {
                if (user == null || !PLAIN.matcher(user).matches() || password == null
                        || !PLAIN.matcher(password).matches()) {
                    throw new IllegalArgumentException("SCRAM user names and passwords of the embedded broker are "
                            + "letters, digits and ._~@+- (user '" + user + "')");
                }
                users.put(user, password);
            });
        }
        scramUsers = java.util.Collections.unmodifiableMap(users);
    }

    /** A broker in a temporary directory on any free loopback port, without authentication. */
    public static BrokerOptions defaults() {
        return new BrokerOptions(null, 0, null, null, Map.of());
    }

    public BrokerOptions withDataDir(Path dir) {
        return new BrokerOptions(dir, port, listenerHost, advertisedHost, scramUsers);
    }

    public BrokerOptions withPort(int newPort) {
        return new BrokerOptions(dataDir, newPort, listenerHost, advertisedHost, scramUsers);
    }

    /** Where the client listener binds and what it advertises. */
    public BrokerOptions withHost(String bindHost, String advertised) {
        return new BrokerOptions(dataDir, port, bindHost, advertised, scramUsers);
    }

    /** Adds a SCRAM user: the client listener then requires SASL ({@value #SCRAM_MECHANISM}). */
    public BrokerOptions withScramUser(String user, String password) {
        Map<String, String> users = new LinkedHashMap<>(scramUsers);
        users.put(user, password);
        return new BrokerOptions(dataDir, port, listenerHost, advertisedHost, users);
    }

    /** Whether the client listener requires SASL. */
    public boolean sasl() {
        return !scramUsers.isEmpty();
    }

    /**
     * The client properties that log in as {@code user} with {@code password} ({@code security.protocol},
     * {@code sasl.mechanism}, {@code sasl.jaas.config}); empty without SASL.
     */
    public Properties clientProperties(String user, String password) {
        Properties p = new Properties();
        if (sasl()) {
            p.put("security.protocol", "SASL_PLAINTEXT");
            p.put("sasl.mechanism", SCRAM_MECHANISM);
            p.put("sasl.jaas.config", jaasConfig(user, password));
        }
        return p;
    }

    /** The JAAS line of a SCRAM login. */
    public static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }
}
