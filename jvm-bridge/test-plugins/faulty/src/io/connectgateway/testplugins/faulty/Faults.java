package io.connectgateway.testplugins.faulty;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the faulty connectors do wrong, chosen by their {@code fail.in} config. One job: fail in a
 * known place so the gateway's fault handling can be tested against real Java behaviour.
 */
final class Faults {
    static final String FAIL_IN = "fail.in";
    static final String TOPIC = "topic";
    static final String POLL_INTERVAL_MS = "poll.interval.ms";
    static final String OOM_CHUNK_MB = "oom.chunk.mb";
    /**
     * A connector constructor has no config, so it fails when the file this system property names
     * exists (the test sets it in jvm.options and creates the file after the plugin was discovered).
     */
    static final String CONSTRUCTOR_MARKER_PROPERTY = "faulty.constructor.marker";

    static final List<String> PLACES = List.of("none", "connector-start", "task-constructor", "task-start",
            "poll", "put", "block-poll", "oom");

    static final ConfigDef CONFIG = new ConfigDef()
            .define(FAIL_IN, ConfigDef.Type.STRING, "none", ConfigDef.ValidString.in(PLACES.toArray(new String[0])),
                    ConfigDef.Importance.HIGH, "Where to fail: " + PLACES)
            .define(TOPIC, ConfigDef.Type.STRING, "faulty", ConfigDef.Importance.HIGH,
                    "Topic of the source records")
            .define(POLL_INTERVAL_MS, ConfigDef.Type.LONG, 100L, ConfigDef.Importance.LOW,
                    "Pause between two records of a healthy source task")
            .define(OOM_CHUNK_MB, ConfigDef.Type.INT, 16, ConfigDef.Importance.LOW,
                    "Size of each array the oom task allocates (large, so the heap it leaves free for other "
                            + "threads is what a large allocation could not use)");

    private Faults() {
    }

    static String place(Map<String, String> props) {
        String place = props.getOrDefault(FAIL_IN, "none");
        if (!PLACES.contains(place)) {
            throw new ConfigException(FAIL_IN, place, "must be one of " + PLACES);
        }
        return place;
    }

    static void failIf(Map<String, String> props, String here) {
        if (here.equals(place(props))) {
            throw new IllegalStateException("faulty: deliberate failure in " + here);
        }
    }

    static void constructed(Class<?> type) {
        String marker = System.getProperty(CONSTRUCTOR_MARKER_PROPERTY);
        if (marker != null && Files.exists(Paths.get(marker))) {
            throw new IllegalStateException("faulty: deliberate failure in the constructor of " + type.getName()
                    + " (" + marker + " exists)");
        }
    }

    /** Never returns: ignores interrupts, as a connector stuck in native I/O or a lost lock would. */
    static void blockForever() {
        Object lock = new Object();
        while (true) {
            synchronized (lock) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // deliberately ignored: Kafka does not interrupt a poll either
                }
            }
        }
    }

    /** Holds what {@link #exhaustHeap} allocates, so no compiler can prove the arrays unused. */
    static volatile List<byte[]> hog;

    /** Allocates until the heap is exhausted; the OutOfMemoryError propagates and the memory is freed. */
    static void exhaustHeap(int chunkMb) {
        List<byte[]> held = new ArrayList<>();
        hog = held;
        try {
            while (true) {
                held.add(new byte[chunkMb << 20]);
            }
        } finally {
            hog = null;
        }
    }
}
