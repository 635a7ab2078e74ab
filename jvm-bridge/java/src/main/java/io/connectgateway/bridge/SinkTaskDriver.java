package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.IllegalWorkerStateException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.errors.Stage;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.util.ConnectUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A sink task handle. Rust consumes, tracks offsets and drives {@code open}/{@code close}/{@code put}/
 * {@code preCommit}; this side converts (key, value, headers — Kafka's order for sinks), transforms,
 * calls the task, and reports back what the task asked of its context (offset rewinds, timeout,
 * pause/resume, commit requests) as actions, since the consumer those act on lives in Rust.
 */
final class SinkTaskDriver implements TaskDriver {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskDriver.class);

    private final TaskParts<SinkRecord> parts;
    private final SinkTask task;
    /** Written by open/close on the task thread, read by the task's context from any thread. */
    private final Set<TopicPartition> assignment = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<ObjectNode> actions = new ArrayList<>();
    private final ErrantRecordReporter reporter;
    private final ArrayNode errant = Json.array();
    /** The batch {@code put} is running, for reports of records that lost their index (SMT output built from scratch). */
    private volatile List<SinkRecord> currentBatch = List.of();

    SinkTaskDriver(TaskParts<SinkRecord> parts) {
        this.parts = parts;
        this.task = (SinkTask) parts.task;
        // As Kafka: a task only gets a reporter when the connector has a DLQ topic or error logging.
        this.reporter = ((SinkConnectorConfig) parts.connectorConfig).enableErrantRecordReporter() ? new Reporter() : null;
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
            case "start": {
                task.initialize(new Context());
                task.start(parts.taskConfig);
                return withActions(Json.object());
            }
            case "open": {
                List<TopicPartition> partitions = partitions(Json.optArray(in, "partitions"));
                // The consumer's assignment already holds them when Kafka calls open().
                assignment.addAll(partitions);
                task.open(partitions);
                return withActions(Json.object());
            }
            case "close": {
                List<TopicPartition> partitions = partitions(Json.optArray(in, "partitions"));
                try {
                    task.close(partitions);
                } finally {
                    partitions.forEach(assignment::remove);
                }
                return withActions(Json.object());
            }
            case "pre_commit":
                return preCommit(Json.optArray(in, "offsets"));
            case "stop":
                task.stop();
                return null;
            default:
                throw new IllegalArgumentException("unknown sink task op \"" + op
                        + "\" (start, open, close, pre_commit, stop, release)");
        }
    }

    @Override
    public void release() {
        parts.close();
    }

    private JsonNode preCommit(ArrayNode offsets) {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (JsonNode o : offsets) {
            current.put(new TopicPartition(Json.text(o, "topic"), Json.intValue(o, "partition")),
                    new OffsetAndMetadata(Json.longValue(o, "offset")));
        }
        Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(new HashMap<>(current));
        if (committable == null) {
            throw new IllegalStateException(task.getClass().getName() + ".preCommit returned null");
        }
        ObjectNode ok = Json.object();
        ArrayNode list = ok.putArray("offsets");
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committable.entrySet()) {
            ObjectNode entry = list.addObject();
            entry.put("topic", e.getKey().topic());
            entry.put("partition", e.getKey().partition());
            if (e.getValue() == null) {
                entry.putNull("offset");
            } else {
                entry.put("offset", e.getValue().offset());
            }
        }
        return withActions(ok);
    }

    /** {@code sinkPut}: decode, convert, transform, {@code put}. Returns the ok payload; throws what put threw. */
    JsonNode put(byte[] batch) {
        synchronized (errant) {
            if (errant.size() > 0) {
                log.warn("{} {} errant record report(s) made outside put() cannot be traced to a batch and are dropped",
                        parts.id, errant.size());
                errant.removeAll();
            }
        }
        ArrayNode failed = Json.array();
        Wire.In in = new Wire.In(batch, "sink batch");
        int n = in.u32();
        List<SinkRecord> records = new ArrayList<>(Math.min(n, 1 << 16));
        Converter kc = parts.keyConverter.get();
        Converter vc = parts.valueConverter.get();
        HeaderConverter hc = parts.headerConverter.get();
        for (int i = 0; i < n; i++) {
            String topic = in.str();
            int partition = in.i32();
            long offset = in.i64();
            Long timestamp = in.ts();
            TimestampType timestampType = timestampType(in.u8());
            byte[] key = in.bytes();
            byte[] value = in.bytes();
            int headerCount = in.u16();
            RecordHeaders raw = new RecordHeaders();
            for (int h = 0; h < headerCount; h++) {
                raw.add(in.str(), in.bytes());
            }

            ErrorPolicy.RecordContext context = new ErrorPolicy.RecordContext();
            SchemaAndValue k = parts.policy.execute(context, Stage.KEY_CONVERTER, kc.getClass(),
                    () -> kc.toConnectData(topic, raw, key));
            SchemaAndValue v = parts.policy.execute(context, Stage.VALUE_CONVERTER, vc.getClass(),
                    () -> vc.toConnectData(topic, raw, value));
            Headers headers = parts.policy.execute(context, Stage.HEADER_CONVERTER, hc.getClass(),
                    () -> convertHeaders(hc, topic, raw));
            if (context.failed()) {
                failed.add(failure(i, context));
                continue;
            }
            // Outside the error policy, as in Kafka: an invalid timestamp fails the task.
            Long ts = timestamp == null ? null : ConnectUtils.checkAndConvertTimestamp(timestamp);
            SinkRecord record = new IndexedSinkRecord(i, topic, partition, k.schema(), k.value(), v.schema(), v.value(),
                    offset, ts, timestampType, headers, topic, partition, offset);
            SinkRecord transformed = parts.transform(context, record);
            if (context.failed()) {
                failed.add(failure(i, context));
                continue;
            }
            if (transformed == null) {
                continue;
            }
            if (!(transformed instanceof IndexedSinkRecord)) {
                transformed = IndexedSinkRecord.of(i, transformed, topic, partition, offset);
            }
            records.add(transformed);
        }
        in.expectEnd();

        currentBatch = records;
        try {
            // Kafka calls put every iteration, even with nothing to deliver.
            task.put(records);
        } finally {
            currentBatch = List.of();
        }
        ObjectNode ok = Json.object();
        ok.set("failed", failed);
        synchronized (errant) {
            ok.set("errant", errant.deepCopy());
            errant.removeAll();
        }
        return withActions(ok);
    }

    private static ObjectNode failure(int index, ErrorPolicy.RecordContext context) {
        ObjectNode node = Json.object();
        node.put("index", index);
        node.put("stage", context.stage.name());
        // What Kafka's DLQ headers name as __connect.errors.class.name.
        node.put("executing_class", context.executingClass == null ? null : context.executingClass.getName());
        node.put("class", context.error.getClass().getName());
        node.put("message", context.error.getMessage());
        node.put("trace", Errors.trace(context.error));
        return node;
    }

    private static TimestampType timestampType(int code) {
        switch (code) {
            case 0:
                return TimestampType.NO_TIMESTAMP_TYPE;
            case 1:
                return TimestampType.CREATE_TIME;
            case 2:
                return TimestampType.LOG_APPEND_TIME;
            default:
                throw new IllegalArgumentException("sink batch: unknown timestamp_type " + code);
        }
    }

    /** Header conversion is one stage for all of a record's headers, as in Kafka. */
    private static Headers convertHeaders(HeaderConverter converter, String topic, RecordHeaders raw) {
        Headers result = new ConnectHeaders();
        for (org.apache.kafka.common.header.Header header : raw) {
            result.add(header.key(), converter.toConnectHeader(topic, header.key(), header.value()));
        }
        return result;
    }

    private static List<TopicPartition> partitions(ArrayNode list) {
        List<TopicPartition> out = new ArrayList<>(list.size());
        for (JsonNode p : list) {
            out.add(new TopicPartition(Json.text(p, "topic"), Json.intValue(p, "partition")));
        }
        return out;
    }

    private ObjectNode withActions(ObjectNode answer) {
        ArrayNode list = answer.putArray("actions");
        synchronized (actions) {
            list.addAll(actions);
            actions.clear();
        }
        return answer;
    }

    private void action(ObjectNode action) {
        synchronized (actions) {
            actions.add(action);
        }
    }

    private static ArrayNode partitionsJson(TopicPartition... partitions) {
        ArrayNode list = Json.array();
        for (TopicPartition tp : partitions) {
            ObjectNode p = list.addObject();
            p.put("topic", tp.topic());
            p.put("partition", tp.partition());
        }
        return list;
    }

    /**
     * The task's SinkTaskContext. Everything that would act on Kafka's consumer is queued as an action
     * for Rust; {@code assignment()} answers from {@code open}/{@code close}.
     */
    private final class Context implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return parts.taskConfig;
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                offset(e.getKey(), e.getValue());
            }
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
            ObjectNode a = Json.object();
            a.put("type", "offset");
            a.put("topic", tp.topic());
            a.put("partition", tp.partition());
            a.put("offset", offset);
            action(a);
        }

        @Override
        public void timeout(long timeoutMs) {
            ObjectNode a = Json.object();
            a.put("type", "timeout");
            a.put("ms", timeoutMs);
            action(a);
        }

        @Override
        public Set<TopicPartition> assignment() {
            synchronized (assignment) {
                return Collections.unmodifiableSet(new LinkedHashSet<>(assignment));
            }
        }

        @Override
        public void pause(TopicPartition... partitions) {
            requireAssigned("pause", partitions);
            ObjectNode a = Json.object();
            a.put("type", "pause");
            a.set("partitions", partitionsJson(partitions));
            action(a);
        }

        @Override
        public void resume(TopicPartition... partitions) {
            requireAssigned("resume", partitions);
            ObjectNode a = Json.object();
            a.put("type", "resume");
            a.set("partitions", partitionsJson(partitions));
            action(a);
        }

        /** Kafka's consumer refuses to pause or resume what it does not own; so does this context. */
        private void requireAssigned(String what, TopicPartition... partitions) {
            for (TopicPartition tp : partitions) {
                if (!assignment.contains(tp)) {
                    throw new IllegalWorkerStateException("SinkTasks may not " + what
                            + " partitions that are not currently assigned to them: " + tp);
                }
            }
        }

        @Override
        public void requestCommit() {
            ObjectNode a = Json.object();
            a.put("type", "request_commit");
            action(a);
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return reporter;
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return parts.pluginMetrics;
        }
    }

    /**
     * Records what the task reports, by batch index, for Rust to write to the dead letter queue; the
     * future is complete at once. A report counts against {@code errors.tolerance} as in Kafka: under
     * {@code none} it throws back into the task.
     */
    private final class Reporter implements ErrantRecordReporter {
        @Override
        public Future<Void> report(SinkRecord record, Throwable error) {
            ObjectNode node = Json.object();
            node.put("index", indexOf(record));
            Throwable e = error == null ? new NullPointerException("errant record reported without an error") : error;
            node.put("class", e.getClass().getName());
            node.put("message", e.getMessage());
            node.put("trace", Errors.trace(e));
            synchronized (errant) {
                errant.add(node);
            }
            parts.policy.reportedFailure(e);
            return CompletableFuture.completedFuture(null);
        }

        private int indexOf(SinkRecord record) {
            if (record instanceof IndexedSinkRecord) {
                return ((IndexedSinkRecord) record).index;
            }
            // A record the task built itself: find the batch record it came from by Kafka coordinates.
            for (SinkRecord r : currentBatch) {
                if (Objects.equals(r.originalTopic(), record.originalTopic())
                        && Objects.equals(r.originalKafkaPartition(), record.originalKafkaPartition())
                        && r.originalKafkaOffset() == record.originalKafkaOffset()) {
                    return ((IndexedSinkRecord) r).index;
                }
            }
            return -1;
        }
    }
}
