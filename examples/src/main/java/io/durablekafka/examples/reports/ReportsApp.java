package io.durablekafka.examples.reports;

import io.durablekafka.client.ClientOptions;
import io.durablekafka.client.DurableTaskClient;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the reports API against a gateway:
 * {@code ReportsApp [--gateway http://localhost:7071] [--port 8080] [--task-hub NAME] [--key SYSTEM_KEY]}.
 */
public final class ReportsApp {

    private ReportsApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        String gateway = "http://localhost:7071";
        int port = 8080;
        String hub = null;
        String key = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--gateway" -> gateway = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--task-hub" -> hub = value;
                case "--key" -> key = value;
                default -> {
                    System.err.println("usage: ReportsApp [--gateway URL] [--port N] [--task-hub NAME] [--key KEY]");
                    System.exit(2);
                }
            }
            i++;
        }
        DurableTaskClient client = new DurableTaskClient(ClientOptions.of(gateway).withTaskHub(hub).withSystemKey(key));
        ReportsApi api = new ReportsApi(client);
        int bound = api.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            client.close();
            stopped.countDown();
        }));
        System.out.println("reports API on http://localhost:" + bound + "/api/reports (gateway " + gateway + ")");
        stopped.await();
    }
}
