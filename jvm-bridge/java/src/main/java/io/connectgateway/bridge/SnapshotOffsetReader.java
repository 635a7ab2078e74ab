package io.connectgateway.bridge;

import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A source connector's or task's {@link OffsetStorageReader}, answering from the offsets Rust hands over
 * (at {@code start}, and with every {@code commit} that carries some). Rust owns the offset store; this is
 * the committed view Kafka's reader would give, not in-flight offsets.
 *
 * <p>Kafka looks partitions up by their serialized JSON bytes. Here both sides are normalised through
 * {@link OffsetJson} and compared as maps, which matches the same partitions (an {@code Integer} asked
 * for finds the {@code Long} stored) and additionally does not depend on key order, which the JSON Rust
 * stores need not preserve.
 */
final class SnapshotOffsetReader implements OffsetStorageReader {
    private static final Logger log = LoggerFactory.getLogger(SnapshotOffsetReader.class);
    private final OffsetJson json;
    private final Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();

    SnapshotOffsetReader(OffsetJson json) {
        this.json = json;
    }

    synchronized void replace(Map<Map<String, Object>, Map<String, Object>> entries) {
        offsets.clear();
        update(entries);
    }

    /** A null offset is a reset (Kafka's tombstone): the partition then has no offset. */
    synchronized void update(Map<Map<String, Object>, Map<String, Object>> entries) {
        for (Map.Entry<Map<String, Object>, Map<String, Object>> e : entries.entrySet()) {
            if (e.getValue() == null) {
                offsets.remove(e.getKey());
            } else {
                offsets.put(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public synchronized <T> Map<String, Object> offset(Map<String, T> partition) {
        Map<String, Object> key;
        try {
            key = json.normalize(partition);
        } catch (RuntimeException e) {
            // As Kafka's reader: a partition that cannot be serialized has no offset (logged, not thrown).
            log.error("Cannot serialize source partition {} to look up its offset; answering none", partition, e);
            return null;
        }
        Map<String, Object> found = offsets.get(key);
        // A copy: the task may modify what it gets, and must not change the snapshot.
        return found == null ? null : new HashMap<>(found);
    }

    /** As Kafka's reader: only partitions that have an offset appear in the answer, keyed by the caller's maps. */
    @Override
    public synchronized <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
        for (Map<String, T> partition : partitions) {
            Map<String, Object> found = offset(partition);
            if (found != null) {
                out.put(partition, found);
            }
        }
        return out;
    }
}
