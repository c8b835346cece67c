package io.durablekafka.node.instance;

import io.durablekafka.common.history.HistoryEvent;
import java.util.List;

/** Reads an instance's stored history (its current execution's events, in order): the engine's one read of storage. */
@FunctionalInterface
public interface HistoryReader {

    List<HistoryEvent> read(String instanceId);
}
