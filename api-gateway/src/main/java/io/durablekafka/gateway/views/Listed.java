package io.durablekafka.gateway.views;

/**
 * An item as a list walk meets it: its ID and what the list filters need, read from stored headers or an index;
 * the item itself is decoded only when asked for, so items a filter rejects cost no decoding. Valid only during
 * the visit (it reads from the walk's snapshot).
 *
 * @param <T> the item
 */
public interface Listed<T> {

    String id();

    /** Decodes the item. */
    T view();
}
