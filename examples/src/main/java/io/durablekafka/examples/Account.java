package io.durablekafka.examples;

import io.durablekafka.sdk.TaskEntity;

/**
 * A bank account whose state is its balance (a new account has 0). {@code deposit} and {@code withdraw} take a
 * positive amount and return the new balance; {@code withdraw} fails when the balance would go negative (the
 * operation then changes nothing). {@code balance} returns the balance.
 */
public class Account extends TaskEntity<Long> {

    public long deposit(long amount) {
        requirePositive(amount);
        state += amount;
        return state;
    }

    public long withdraw(long amount) {
        requirePositive(amount);
        if (state < amount) {
            throw new IllegalStateException("insufficient funds in account '" + context.getEntityId().key()
                    + "': balance " + state + ", withdrawal " + amount);
        }
        state -= amount;
        return state;
    }

    public long balance() {
        return state;
    }

    private static void requirePositive(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, was " + amount);
        }
    }
}
