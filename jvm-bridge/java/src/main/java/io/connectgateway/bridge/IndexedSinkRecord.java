package io.connectgateway.bridge;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A SinkRecord that remembers its position in the batch Rust sent. SMTs derive records through
 * {@link #newRecord}, which keeps the index (and Kafka's original topic/partition/offset), so a record
 * the task later hands to its ErrantRecordReporter can be traced back to the consumed message Rust must
 * write to the dead letter queue. Kafka's runtime does the same with its InternalSinkRecord.
 */
final class IndexedSinkRecord extends SinkRecord {
    final int index;

    IndexedSinkRecord(int index, String topic, int partition, Schema keySchema, Object key, Schema valueSchema, Object value,
                      long kafkaOffset, Long timestamp, TimestampType timestampType, Iterable<Header> headers,
                      String originalTopic, Integer originalPartition, long originalOffset) {
        super(topic, partition, keySchema, key, valueSchema, value, kafkaOffset, timestamp, timestampType, headers,
                originalTopic, originalPartition, originalOffset);
        this.index = index;
    }

    /**
     * Re-labels a record an SMT built from scratch (not through newRecord) with the index of its input
     * and the consumed message's coordinates, as Kafka re-wraps every transformed record.
     */
    static IndexedSinkRecord of(int index, SinkRecord r, String originalTopic, int originalPartition, long originalOffset) {
        return new IndexedSinkRecord(index, r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), r.valueSchema(), r.value(),
                r.kafkaOffset(), r.timestamp(), r.timestampType(), r.headers(),
                originalTopic, originalPartition, originalOffset);
    }

    @Override
    public SinkRecord newRecord(String topic, Integer kafkaPartition, Schema keySchema, Object key, Schema valueSchema,
                                Object value, Long timestamp, Iterable<Header> headers) {
        return new IndexedSinkRecord(index, topic, kafkaPartition, keySchema, key, valueSchema, value, kafkaOffset(),
                timestamp, timestampType(), headers, originalTopic(), originalKafkaPartition(), originalKafkaOffset());
    }

    // SinkRecord's equals compares classes; these only restate that the index is not part of equality.
    @Override
    public boolean equals(Object o) {
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
