package io.durablekafka.examples;

import io.durablekafka.sdk.EntityInstanceId;
import io.durablekafka.sdk.EntityLock;
import io.durablekafka.sdk.TaskOrchestrationContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moves money between two {@link Account} entities inside a critical section. Input
 * {@code {"from": "a", "to": "b", "amount": 10}}; output {@code {"transferred": true|false, "from", "to", "amount",
 * "fromBalance", "toBalance"}} (false, with the balances left alone, when {@code from} has too little money).
 * Both accounts are locked for the whole check-and-move, so concurrent transfers never overdraw an account and
 * the total stays the same.
 */
public final class Transfer {

    private Transfer() {
    }

    /** The input. */
    public record Request(String from, String to, long amount) {
    }

    public static void run(TaskOrchestrationContext ctx) {
        Request request = ctx.getInput(Request.class);
        if (request == null || request.from() == null || request.to() == null || request.amount() <= 0
                || request.from().equals(request.to())) {
            throw new IllegalArgumentException("Transfer needs {\"from\", \"to\", \"amount\"} with two different "
                    + "accounts and a positive amount; got " + request);
        }
        EntityInstanceId from = new EntityInstanceId("Account", request.from());
        EntityInstanceId to = new EntityInstanceId("Account", request.to());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("from", request.from());
        result.put("to", request.to());
        result.put("amount", request.amount());
        try (EntityLock lock = ctx.lockEntities(from, to)) {
            long balance = ctx.callEntity(from, "balance", Long.class).await();
            if (balance < request.amount()) {
                result.put("transferred", false);
                result.put("fromBalance", balance);
                result.put("toBalance", ctx.callEntity(to, "balance", Long.class).await());
            } else {
                result.put("transferred", true);
                result.put("fromBalance", ctx.callEntity(from, "withdraw", request.amount(), Long.class).await());
                result.put("toBalance", ctx.callEntity(to, "deposit", request.amount(), Long.class).await());
            }
        }
        ctx.complete(result);
    }
}
