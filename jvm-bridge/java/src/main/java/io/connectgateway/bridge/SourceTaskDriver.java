package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.errors.Stage;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.apache.kafka.connect.util.ConnectUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A source task handle. Rust drives the loop; this side runs {@code poll()}, the SMT chain and the
 * converters in Kafka's order (SMTs, header converter, key converter, value converter — Kafka's
 * {@code convertTransformedRecord}) and answers one byte[] per poll.
 *
 * <p>Every record polled gets a sequence number; its pre-transformation {@link SourceRecord} is kept
 * until Rust acknowledges that number, because Kafka hands exactly that object to
 * {@link SourceTask#commitRecord} (with null metadata for records that were dropped, failed a tolerated
 * stage or failed to send under {@code errors.tolerance=all}).
 */
final class SourceTaskDriver implements TaskDriver {
    private static final Logger log = LoggerFactory.getLogger(SourceTaskDriver.class);

    static final int KIND_SEND = 0;
    static final int KIND_DROPPED = 1;
    static final int KIND_FAILED = 2;

    private final TaskParts<SourceRecord> parts;
    private final SourceTask task;
    private final OffsetJson offsetJson = new OffsetJson();
    private final SnapshotOffsetReader offsetReader = new SnapshotOffsetReader(offsetJson);
    private final Wire.Out out = new Wire.Out();
    private final Map<Long, Pending> pending = new HashMap<>();
    private long nextSeq = 1;

    /** A polled record awaiting its ack, with what Kafka's RecordMetadata would report about its size. */
    private record Pending(SourceRecord record, int keySize, int valueSize) {
    }

    SourceTaskDriver(TaskParts<SourceRecord> parts) {
        this.parts = parts;
        this.task = (SourceTask) parts.task;
    }

    @Override
    public ClassLoader loader() {
        return parts.loader;
    }

    @Override
    public String version() {
        return parts.task.version();
    }

    @Override
    public JsonNode call(String op, JsonNode in) throws Exception {
        switch (op) {
            case "start":
                offsetReader.replace(offsetJson.entries(Json.optArray(in, "offsets")));
                task.initialize(new Context());
                task.start(parts.taskConfig);
                return null;
            case "commit":
                if (in.has("offsets")) {
                    offsetReader.update(offsetJson.entries(Json.optArray(in, "offsets")));
                }
                task.commit();
                return null;
            case "stop":
                task.stop();
                return null;
            default:
                throw new IllegalArgumentException("unknown source task op \"" + op + "\" (start, commit, stop, release)");
        }
    }

    @Override
    public void release() {
        pending.clear();
        parts.close();
    }

    /** {@code sourcePoll}: acks, then one {@code poll()}, then the batch. Never throws; failures are status 1. */
    byte[] poll(byte[] acks) {
        try {
            applyAcks(acks);
            List<SourceRecord> records;
            try {
                records = task.poll();
            } catch (InterruptedException e) {
                // Kafka's loop treats an interrupted poll as "nothing this time".
                log.debug("{} poll() interrupted", parts.id);
                records = null;
            } catch (Exception e) {
                // Kafka's source loop polls again after either RetriableException (Connect's or the clients').
                boolean retriable = e instanceof org.apache.kafka.connect.errors.RetriableException
                        || e instanceof org.apache.kafka.common.errors.RetriableException;
                return failure(Errors.toJson(e, retriable));
            }
            long firstSeq = nextSeq;
            try {
                return encode(records);
            } catch (RuntimeException | Error e) {
                // The whole batch is void: Rust never sees these records, so nothing will ack them.
                for (long s = firstSeq; s < nextSeq; s++) {
                    pending.remove(s);
                }
                throw e;
            }
        } catch (Throwable t) {
            try {
                return failure(Errors.toJson(t));
            } catch (Throwable again) {
                return Errors.FALLBACK_BATCH;
            }
        }
    }

    private byte[] failure(ObjectNode error) {
        out.reset();
        out.u8(1);
        out.bytes(Json.writeBytes(error));
        return out.toArray();
    }

    void ack(byte[] acks) {
        applyAcks(acks);
    }

    private void applyAcks(byte[] acks) {
        Wire.In in = new Wire.In(acks, "acks");
        if (in.isEmpty()) {
            return;
        }
        int n = in.u32();
        for (int i = 0; i < n; i++) {
            long seq = in.i64();
            boolean hasMetadata = in.u8() == 1;
            String topic = null;
            int partition = 0;
            long offset = 0;
            Long timestamp = null;
            if (hasMetadata) {
                topic = in.str();
                partition = in.i32();
                offset = in.i64();
                timestamp = in.ts();
            }
            Pending p = pending.remove(seq);
            if (p == null) {
                throw new IllegalArgumentException("ack for unknown record seq " + seq + " (never polled, or acked twice)");
            }
            RecordMetadata metadata = hasMetadata
                    ? new RecordMetadata(new TopicPartition(topic, partition), offset, 0,
                            timestamp == null ? ConsumerRecord.NO_TIMESTAMP : timestamp, p.keySize, p.valueSize)
                    : null;
            commitRecord(p.record, metadata);
        }
        in.expectEnd();
    }

    /** As Kafka's worker: an exception from commitRecord is logged, not fatal. */
    private void commitRecord(SourceRecord record, RecordMetadata metadata) {
        try {
            task.commitRecord(record, metadata);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("{} interrupted in commitRecord()", parts.id, e);
        } catch (Throwable t) {
            log.error("{} Exception thrown while calling task.commitRecord()", parts.id, t);
        }
    }

    private byte[] encode(List<SourceRecord> records) {
        out.reset();
        out.u8(0);
        int n = records == null ? 0 : records.size();
        out.u32(n);
        for (int i = 0; i < n; i++) {
            encodeRecord(records.get(i));
        }
        return out.toArray();
    }

    private void encodeRecord(SourceRecord pre) {
        long seq = nextSeq++;
        ErrorPolicy.RecordContext context = new ErrorPolicy.RecordContext();
        SourceRecord record = parts.transform(context, pre);

        RecordHeaders headers = null;
        byte[] key = null;
        byte[] value = null;
        Long timestamp = null;
        if (record != null) {
            final SourceRecord r = record;
            HeaderConverter hc = parts.headerConverter.get();
            headers = parts.policy.execute(context, Stage.HEADER_CONVERTER, hc.getClass(), () -> convertHeaders(hc, r));
            final RecordHeaders h = headers;
            Converter kc = parts.keyConverter.get();
            key = parts.policy.execute(context, Stage.KEY_CONVERTER, kc.getClass(),
                    () -> kc.fromConnectData(r.topic(), h, r.keySchema(), r.key()));
            Converter vc = parts.valueConverter.get();
            value = parts.policy.execute(context, Stage.VALUE_CONVERTER, vc.getClass(),
                    () -> vc.fromConnectData(r.topic(), h, r.valueSchema(), r.value()));
            if (!context.failed()) {
                // Outside the error policy, as in Kafka: an invalid timestamp fails the task.
                timestamp = ConnectUtils.checkAndConvertTimestamp(r.timestamp());
            }
        }
        int kind = context.failed() ? KIND_FAILED : record == null ? KIND_DROPPED : KIND_SEND;
        pending.put(seq, new Pending(pre, key == null ? -1 : key.length, value == null ? -1 : value.length));

        out.i64(seq);
        out.u8(kind);
        out.bytes(offsetBytes(pre.sourcePartition(), "partition"));
        out.bytes(offsetBytes(pre.sourceOffset(), "offset"));
        if (kind == KIND_SEND) {
            out.str(record.topic());
            out.i32(record.kafkaPartition() == null ? -1 : record.kafkaPartition());
            out.ts(timestamp);
            out.bytes(key);
            out.bytes(value);
            Header[] all = headers.toArray();
            out.u16(all.length);
            for (Header header : all) {
                out.str(header.key());
                out.bytes(header.value());
            }
        } else if (kind == KIND_FAILED) {
            ObjectNode error = Errors.toJson(context.error);
            error.put("stage", context.stage.name());
            out.bytes(Json.writeBytes(error));
        }
    }

    /** Header conversion is one stage for all of a record's headers, as in Kafka. */
    private static RecordHeaders convertHeaders(HeaderConverter converter, SourceRecord record) {
        RecordHeaders result = new RecordHeaders();
        if (record.headers() != null) {
            for (org.apache.kafka.connect.header.Header header : record.headers()) {
                result.add(header.key(), converter.fromConnectHeader(record.topic(), header.key(), header.schema(), header.value()));
            }
        }
        return result;
    }

    private byte[] offsetBytes(Map<String, ?> map, String what) {
        try {
            return offsetJson.toBytes(map);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("source " + what + " " + map
                    + " cannot be stored as Kafka's offset store stores it (JsonConverter, schemas.enable=false): "
                    + e.getMessage(), e);
        }
    }

    /** The task's view of the runtime: its config, the offsets Rust gave, its metrics. */
    private final class Context implements SourceTaskContext {
        @Override
        public Map<String, String> configs() {
            return parts.taskConfig;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return offsetReader;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return parts.pluginMetrics;
        }
    }
}
