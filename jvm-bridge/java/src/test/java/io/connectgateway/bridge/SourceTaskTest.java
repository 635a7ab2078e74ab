package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.connectgateway.bridge.BridgeHarness.Acks;
import io.connectgateway.bridge.BridgeHarness.Batch;
import io.connectgateway.bridge.BridgeHarness.Rec;
import io.connectgateway.bridge.testplugins.FlakyTransformation;
import io.connectgateway.bridge.testplugins.RecordingSourceConnector;
import io.connectgateway.bridge.testplugins.RecordingSourceTask;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.connectgateway.bridge.BridgeHarness.FILE_SOURCE;
import static io.connectgateway.bridge.BridgeHarness.FILE_SOURCE_TASK;
import static io.connectgateway.bridge.BridgeHarness.call;
import static io.connectgateway.bridge.BridgeHarness.error;
import static io.connectgateway.bridge.BridgeHarness.obj;
import static io.connectgateway.bridge.BridgeHarness.ok;
import static io.connectgateway.bridge.BridgeHarness.parse;
import static io.connectgateway.bridge.BridgeHarness.poll;
import static io.connectgateway.bridge.BridgeHarness.props;
import static io.connectgateway.bridge.BridgeHarness.release;
import static io.connectgateway.bridge.BridgeHarness.taskCreate;
import static io.connectgateway.bridge.BridgeHarness.taskInput;
import static io.connectgateway.bridge.BridgeHarness.taskOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceTaskTest {
    private static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        BridgeHarness.init();
    }

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    /** A FileStreamSourceTask on {@code file}, started with {@code offsets}, as Rust would create it. */
    private long fileTask(Path file, ObjectNode extraConnectorConfig, ArrayNode offsets) {
        ObjectNode cc = props("file", file.toString(), "topic", "lines", "tasks.max", "1");
        cc.setAll(extraConnectorConfig);
        ObjectNode tc = props("file", file.toString(), "topic", "lines", "task.class", FILE_SOURCE_TASK);
        JsonNode created = ok(call(() -> Bridge.taskCreate(taskInput("source", "fs", FILE_SOURCE, FILE_SOURCE_TASK, cc, tc).toString())));
        assertEquals("4.3.1", created.get("version").asText());
        long h = created.get("handle").asLong();
        ObjectNode start = obj();
        start.set("offsets", offsets == null ? BridgeHarness.MAPPER.createArrayNode() : offsets);
        assertTrue(taskOk(h, "start", start).isNull());
        return h;
    }

    private static List<String> values(Batch batch) {
        List<String> out = new ArrayList<>();
        batch.records.forEach(r -> out.add(r.valueText()));
        return out;
    }

    @Test
    void fileSourceProducesTheLinesWithKafkasOffsetsAndANullKey() throws IOException {
        Path f = file("in.txt", "alpha\nbeta\ngamma\n");
        long h = fileTask(f, props("value.converter", STRING_CONVERTER), null);
        Batch batch = poll(h, new byte[0]);
        assertEquals(0, batch.status, String.valueOf(batch.error));
        assertEquals(List.of("alpha", "beta", "gamma"), values(batch));
        long[] positions = {6, 11, 17};
        for (int i = 0; i < 3; i++) {
            Rec r = batch.records.get(i);
            assertEquals(0, r.kind);
            assertEquals("lines", r.topic);
            assertEquals(-1, r.kafkaPartition);
            assertNull(r.key, "FileStream records have no key");
            assertTrue(r.timestamp > 0);
            assertEquals(0, r.headers.size());
            assertEquals(parse("{\"filename\":" + BridgeHarness.MAPPER.writeValueAsString(f.toString()) + "}"), parse(r.partition));
            assertEquals("{\"position\":" + positions[i] + "}", r.offset);
        }

        // Ack all three (metadata as a send would give it) and poll the next line.
        Files.writeString(f, "delta\n", StandardOpenOption.APPEND);
        Acks acks = new Acks();
        for (Rec r : batch.records) {
            acks.ack(r.seq, "lines", 0, 100 + r.seq, 1_700_000_000_000L);
        }
        Batch next = poll(h, acks.bytes());
        assertEquals(0, next.status, String.valueOf(next.error));
        assertEquals(List.of("delta"), values(next));
        assertEquals("{\"position\":23}", next.records.get(0).offset);
        assertTrue(next.records.get(0).seq > batch.records.get(2).seq, "sequence numbers grow");

        // An ack Java never handed out (or a second ack of the same record) is a protocol error.
        Batch twice = poll(h, new Acks().ack(batch.records.get(0).seq, "lines", 0, 1, null).bytes());
        assertEquals(1, twice.status);
        assertTrue(twice.error.get("message").asText().contains("unknown record seq"), twice.error.toString());
        release(h);
    }

    @Test
    void withoutConverterConfigTheWorkerDefaultJsonConverterIsUsed() throws IOException {
        Path f = file("json.txt", "alpha\n");
        long h = fileTask(f, obj(), null);
        Batch batch = poll(h, null);
        assertEquals(1, batch.records.size());
        JsonNode value = parse(batch.records.get(0).valueText());
        assertEquals("alpha", value.get("payload").asText(), "JsonConverter with schemas.enable=true: " + value);
        assertEquals("string", value.get("schema").get("type").asText());
        assertNull(batch.records.get(0).key);
        release(h);
    }

    @Test
    void aRestartWithOffsetsResumesAfterThem() throws IOException {
        Path f = file("resume.txt", "one\ntwo\nthree\n");
        ArrayNode offsets = BridgeHarness.MAPPER.createArrayNode();
        ObjectNode entry = offsets.addObject();
        entry.putObject("partition").put("filename", f.toString());
        entry.putObject("offset").put("position", 8);
        long h = fileTask(f, props("value.converter", STRING_CONVERTER), offsets);
        Batch batch = poll(h, new byte[0]);
        assertEquals(List.of("three"), values(batch));
        assertEquals("{\"position\":14}", batch.records.get(0).offset);
        release(h);
    }

    @Test
    void anSmtChainAltersRecords() throws IOException {
        Path f = file("smt.txt", "alpha\nbeta\n");
        ObjectNode cc = props(
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false",
                "transforms", "hoist,ins",
                "transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value",
                "transforms.hoist.field", "line",
                "transforms.ins.type", "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.ins.static.field", "origin",
                "transforms.ins.static.value", "file");
        long h = fileTask(f, cc, null);
        Batch batch = poll(h, null);
        assertEquals(2, batch.records.size());
        assertEquals(parse("{\"line\":\"alpha\",\"origin\":\"file\"}"), parse(batch.records.get(0).valueText()));
        assertEquals(parse("{\"line\":\"beta\",\"origin\":\"file\"}"), parse(batch.records.get(1).valueText()));
        release(h);
    }

    @Test
    void aFilterWithAPredicateDropsRecordsThatStillCarryTheirOffsets() throws IOException {
        Path f = file("filter.txt", "alpha\nbeta\n");
        ObjectNode cc = props(
                "value.converter", STRING_CONVERTER,
                "transforms", "drop",
                "transforms.drop.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.drop.predicate", "isLines",
                "predicates", "isLines",
                "predicates.isLines.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isLines.pattern", "lin.*");
        long h = fileTask(f, cc, null);
        Batch batch = poll(h, null);
        assertEquals(2, batch.records.size());
        for (Rec r : batch.records) {
            assertEquals(1, r.kind, "dropped by Filter");
            assertTrue(r.offset.startsWith("{\"position\":"), r.offset);
            assertTrue(r.partition.contains("filename"), r.partition);
        }
        release(h);

        // negate=true inverts the predicate: nothing is dropped.
        cc.put("transforms.drop.negate", "true");
        Path g = file("filter2.txt", "alpha\n");
        cc.put("file", g.toString());
        long h2 = fileTask(g, cc, null);
        Batch kept = poll(h2, null);
        assertEquals(0, kept.records.get(0).kind);
        assertEquals("alpha", kept.records.get(0).valueText());
        release(h2);
    }

    /** A RecordingSourceTask task with the given connector config (records, SMTs, converters). */
    private long recordingTask(ObjectNode cc, ArrayNode offsets) {
        ObjectNode tc = props("records", cc.get("records").asText());
        long h = taskCreate(taskInput("source", "rec", RecordingSourceConnector.class.getName(),
                RecordingSourceTask.class.getName(), cc, tc));
        ObjectNode start = obj();
        start.set("offsets", offsets == null ? BridgeHarness.MAPPER.createArrayNode() : offsets);
        taskOk(h, "start", start);
        return h;
    }

    @Test
    void acksReachCommitRecordWithThePreTransformRecordAndCommitSeesNewOffsets() {
        RecordingSourceTask.EVENTS.clear();
        ObjectNode cc = props(
                "records", "keep:a,drop:b,keep:c",
                "key.converter", STRING_CONVERTER,
                "value.converter", STRING_CONVERTER,
                "transforms", "route,drop",
                "transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.route.regex", "keep",
                "transforms.route.replacement", "kept",
                "transforms.drop.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.drop.predicate", "isDrop",
                "predicates", "isDrop",
                "predicates.isDrop.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isDrop.pattern", "drop");
        long h = recordingTask(cc, null);
        // A class-path plugin runs with Kafka's delegating loader as context loader (a plugin.path one with its own).
        assertEquals("start offset=null tccl=DelegatingClassLoader", RecordingSourceTask.EVENTS.poll());

        Batch batch = poll(h, null);
        assertEquals("poll tccl=DelegatingClassLoader", RecordingSourceTask.EVENTS.poll());
        assertEquals(0, batch.status, String.valueOf(batch.error));
        assertEquals(3, batch.records.size());
        Rec a = batch.records.get(0);
        Rec b = batch.records.get(1);
        Rec c = batch.records.get(2);
        assertEquals(0, a.kind);
        assertEquals("kept", a.topic, "RegexRouter renamed the topic");
        assertEquals("k", new String(a.key, StandardCharsets.UTF_8));
        assertEquals("a", a.valueText());
        assertEquals("hv", a.headers.get("h"), "SimpleHeaderConverter serialized the header");
        assertEquals(Long.MIN_VALUE, a.timestamp, "no timestamp");
        assertEquals(1, b.kind);
        assertEquals("{\"p\":\"a\"}", b.partition);
        assertEquals("{\"i\":1}", b.offset);
        assertEquals(0, c.kind);

        byte[] acks = new Acks().ack(a.seq, "kept", 3, 10, 1234L).dropped(b.seq).ack(c.seq, "kept", 3, 11, null).bytes();
        Batch none = poll(h, acks);
        assertEquals(0, none.records.size(), "the task returns null after its records");
        // commitRecord gets the pre-transformation record (topic "keep", not "kept") in ack order.
        assertEquals("commitRecord keep:a kept/3@10 ts=1234 vsize=1", RecordingSourceTask.EVENTS.poll());
        assertEquals("commitRecord drop:b null", RecordingSourceTask.EVENTS.poll());
        assertEquals("commitRecord keep:c kept/3@11 ts=-1 vsize=1", RecordingSourceTask.EVENTS.poll());
        assertEquals("poll tccl=DelegatingClassLoader", RecordingSourceTask.EVENTS.poll(), "acks are applied before poll()");

        JsonNode commit = parse("{\"offsets\":[{\"partition\":{\"p\":\"a\"},\"offset\":{\"i\":2}}]}");
        taskOk(h, "commit", commit);
        assertEquals("commit offset={i=2}", RecordingSourceTask.EVENTS.poll());
        taskOk(h, "commit", obj());
        assertEquals("commit offset={i=2}", RecordingSourceTask.EVENTS.poll());
        release(h);
        assertEquals("stop", RecordingSourceTask.EVENTS.poll());
    }

    @Test
    void errorsToleranceAllTurnsAConverterFailureIntoKind2() throws IOException {
        Path f = file("tolerate.txt", "alpha\nbeta\n");
        ObjectNode cc = props(
                "value.converter", "org.apache.kafka.connect.converters.IntegerConverter",
                "errors.tolerance", "all");
        long h = fileTask(f, cc, null);
        Batch batch = poll(h, null);
        assertEquals(0, batch.status, String.valueOf(batch.error));
        assertEquals(2, batch.records.size());
        for (Rec r : batch.records) {
            assertEquals(2, r.kind);
            assertEquals("VALUE_CONVERTER", r.error.get("stage").asText());
            assertEquals("org.apache.kafka.connect.errors.DataException", r.error.get("class").asText());
            assertTrue(r.error.get("trace").asText().contains("IntegerConverter"), r.error.toString());
            assertTrue(r.offset.startsWith("{\"position\":"), "a failed record still carries its offset");
        }
        release(h);
    }

    @Test
    void errorsToleranceNoneFailsTheBatch() throws IOException {
        Path f = file("intolerant.txt", "alpha\n");
        long h = fileTask(f, props("value.converter", "org.apache.kafka.connect.converters.IntegerConverter"), null);
        Batch batch = poll(h, null);
        assertEquals(1, batch.status);
        assertEquals("org.apache.kafka.connect.errors.ConnectException", batch.error.get("class").asText());
        assertEquals("Tolerance exceeded in error handler", batch.error.get("message").asText());
        assertTrue(batch.error.get("trace").asText().contains("Caused by: org.apache.kafka.connect.errors.DataException"));
        assertEquals(false, batch.error.get("retriable").asBoolean());
        release(h);
    }

    @Test
    void aRetriableStageFailureIsRetriedWithBackoff() throws IOException {
        FlakyTransformation.CALLS.set(0);
        Path f = file("flaky.txt", "alpha\n");
        ObjectNode cc = props(
                "value.converter", STRING_CONVERTER,
                "errors.retry.timeout", "10000",
                "errors.retry.delay.max.ms", "1000",
                "transforms", "flaky",
                "transforms.flaky.type", FlakyTransformation.class.getName(),
                "transforms.flaky.failures", "2");
        long h = fileTask(f, cc, null);
        long t0 = System.nanoTime();
        Batch batch = poll(h, null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, batch.records.get(0).kind, String.valueOf(batch.records.get(0).error));
        assertEquals("alpha", batch.records.get(0).valueText());
        assertEquals(3, FlakyTransformation.CALLS.get());
        assertTrue(ms >= 850, "backed off 300 ms then 600 ms, took " + ms);
        release(h);
    }

    @Test
    void taskCreateErrorsAreClear() {
        ObjectNode cc = props("file", "/x", "topic", "t", "transforms", "nope", "transforms.nope.type", "no.such.Smt");
        ObjectNode in = taskInput("source", "bad", FILE_SOURCE, FILE_SOURCE_TASK, cc, props("topic", "t"));
        JsonNode e = error(call(() -> Bridge.taskCreate(in.toString())));
        assertTrue(e.get("trace").asText().contains("no.such.Smt"), e.toString());

        ObjectNode wrongKind = taskInput("sink", "bad", FILE_SOURCE, FILE_SOURCE_TASK, props("topics", "t"), props());
        e = error(call(() -> Bridge.taskCreate(wrongKind.toString())));
        assertTrue(e.get("message").asText().contains("is not a SinkTask"), e.toString());
    }
}
