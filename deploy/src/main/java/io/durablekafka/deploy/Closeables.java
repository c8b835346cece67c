package io.durablekafka.deploy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing the parts of a launcher on the way out: one failing to close must not keep the others open. */
final class Closeables {

    private static final Logger LOG = LoggerFactory.getLogger(Closeables.class);

    private Closeables() {
    }

    /** Closes {@code c} (null is fine), logging rather than throwing what its close throws. */
    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("error while closing {}", c, e);
        }
    }
}
