package io.durablekafka.deploy.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/** This JVM's heap after full collections, and the process's resident set size (Linux). */
final class HeapGauge {

    private static final long MIB = 1024 * 1024;

    record Reading(long usedBytes, long maxBytes, long residentBytes) {

        String usedMiB() {
            return mib(usedBytes);
        }

        String maxMiB() {
            return maxBytes < 0 ? "undefined" : mib(maxBytes);
        }

        String residentMiB() {
            return residentBytes < 0 ? "unknown" : mib(residentBytes);
        }

        private static String mib(long bytes) {
            return String.format("%,.0f MiB", bytes / (double) MIB);
        }
    }

    private HeapGauge() {
    }

    /**
     * Collects until the heap stops shrinking (at most five times) and reads it: what is left is what the
     * process holds, not garbage that happened to be there.
     */
    static Reading afterFullGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            memory.gc();
            Thread.sleep(200);
            long now = memory.getHeapMemoryUsage().getUsed();
            boolean settled = now > used - used / 100;
            used = Math.min(used, now);
            if (i >= 2 && settled) {
                break;
            }
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        return new Reading(used, heap.getMax(), residentBytes());
    }

    /** VmRSS from /proc/self/status; -1 where there is none. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
