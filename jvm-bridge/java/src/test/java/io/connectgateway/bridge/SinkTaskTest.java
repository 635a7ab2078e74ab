package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.connectgateway.bridge.BridgeHarness.SinkBatch;
import io.connectgateway.bridge.testplugins.RecordingSinkConnector;
import io.connectgateway.bridge.testplugins.RecordingSinkTask;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.connectgateway.bridge.BridgeHarness.FILE_SINK;
import static io.connectgateway.bridge.BridgeHarness.FILE_SINK_TASK;
import static io.connectgateway.bridge.BridgeHarness.error;
import static io.connectgateway.bridge.BridgeHarness.obj;
import static io.connectgateway.bridge.BridgeHarness.parse;
import static io.connectgateway.bridge.BridgeHarness.props;
import static io.connectgateway.bridge.BridgeHarness.release;
import static io.connectgateway.bridge.BridgeHarness.sinkPut;
import static io.connectgateway.bridge.BridgeHarness.sinkPutRaw;
import static io.connectgateway.bridge.BridgeHarness.taskCreate;
import static io.connectgateway.bridge.BridgeHarness.taskInput;
import static io.connectgateway.bridge.BridgeHarness.taskOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkTaskTest {
    private static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        BridgeHarness.init();
    }

    private static JsonNode partitions(String topic, int... partitions) {
        ObjectNode in = obj();
        for (int p : partitions) {
            in.withArrayProperty("partitions").addObject().put("topic", topic).put("partition", p);
        }
        return in;
    }

    private long fileSink(Path out, ObjectNode extra) {
        ObjectNode cc = props("topics", "orders", "file", out.toString(), "key.converter", STRING_CONVERTER,
                "value.converter", STRING_CONVERTER);
        cc.setAll(extra);
        ObjectNode tc = props("topics", "orders", "file", out.toString(), "task.class", FILE_SINK_TASK);
        long h = taskCreate(taskInput("sink", "fsink", FILE_SINK, FILE_SINK_TASK, cc, tc));
        assertEquals(0, taskOk(h, "start", obj()).get("actions").size());
        assertEquals(0, taskOk(h, "open", partitions("orders", 0)).get("actions").size());
        return h;
    }

    @Test
    void aSinkBatchIsWrittenByFileStreamSinkTaskLineForLine() throws Exception {
        Path out = dir.resolve("out.txt");
        long h = fileSink(out, obj());
        SinkBatch batch = new SinkBatch()
                .add("orders", 0, 0, 1_700_000_000_000L, 1, "k1", "first line", "h1", "v1")
                .add("orders", 0, 1, null, 0, null, "second")
                .add("orders", 0, 2, 1_700_000_000_002L, 2, "k3", "ünïcode ✓");
        JsonNode ok = sinkPut(h, batch);
        assertEquals(0, ok.get("failed").size());
        assertEquals(0, ok.get("errant").size());
        assertEquals(0, ok.get("actions").size());
        // put is called even with nothing to deliver
        assertEquals(0, sinkPut(h, new SinkBatch()).get("failed").size());

        JsonNode committed = taskOk(h, "pre_commit", parse("{\"offsets\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":3}]}"));
        assertEquals(parse("[{\"topic\":\"orders\",\"partition\":0,\"offset\":3}]"), committed.get("offsets"));
        assertEquals("first line\nsecond\nünïcode ✓\n", Files.readString(out, StandardCharsets.UTF_8));
        assertEquals(0, taskOk(h, "close", partitions("orders", 0)).get("actions").size());
        release(h);
    }

    @Test
    void errorsToleranceAllListsTheFailedIndexesAndDeliversTheRest() throws Exception {
        Path out = dir.resolve("tolerant.txt");
        long h = fileSink(out, props(
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false",
                "errors.tolerance", "all"));
        SinkBatch batch = new SinkBatch()
                .add("orders", 0, 10, "{\"a\":1}")
                .add("orders", 0, 11, "{not json")
                .add("orders", 0, 12, "\"x\"");
        JsonNode ok = sinkPut(h, batch);
        assertEquals(1, ok.get("failed").size(), ok.toString());
        JsonNode failed = ok.get("failed").get(0);
        assertEquals(1, failed.get("index").asInt());
        assertEquals("VALUE_CONVERTER", failed.get("stage").asText());
        assertEquals("org.apache.kafka.connect.errors.DataException", failed.get("class").asText());
        assertTrue(failed.get("trace").asText().contains("JsonConverter"));
        taskOk(h, "pre_commit", parse("{\"offsets\":[{\"topic\":\"orders\",\"partition\":0,\"offset\":13}]}"));
        assertEquals("{a=1}\nx\n", Files.readString(out, StandardCharsets.UTF_8));
        release(h);
    }

    @Test
    void errorsToleranceNoneFailsThePut() {
        long h = fileSink(dir.resolve("intolerant.txt"), props(
                "value.converter", "org.apache.kafka.connect.json.JsonConverter"));
        JsonNode e = error(sinkPutRaw(h, new SinkBatch().add("orders", 0, 0, "{not json")));
        assertEquals("Tolerance exceeded in error handler", e.get("message").asText());
        assertEquals(false, e.get("retriable").asBoolean());
        release(h);
    }

    private long recordingSink(ObjectNode extra) {
        ObjectNode cc = props("topics", "t", "value.converter", STRING_CONVERTER,
                "errors.deadletterqueue.topic.name", "dlq",
                "errors.tolerance", "all",
                "transforms", "route",
                "transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.route.regex", "t",
                "transforms.route.replacement", "routed");
        cc.setAll(extra);
        return taskCreate(taskInput("sink", "rsink", RecordingSinkConnector.class.getName(),
                RecordingSinkTask.class.getName(), cc, props("topics", "t")));
    }

    @Test
    void contextActionsErrantRecordsAndBatchIndexesThroughSmts() {
        RecordingSinkTask.EVENTS.clear();
        long h = recordingSink(obj());
        taskOk(h, "start", obj());
        JsonNode opened = taskOk(h, "open", partitions("t", 0, 1));
        assertEquals(parse("[{\"type\":\"timeout\",\"ms\":250},{\"type\":\"request_commit\"}]"), opened.get("actions"));
        assertEquals("start", RecordingSinkTask.EVENTS.poll());
        assertEquals("open [t-0, t-1] assignment=[t-0, t-1]", RecordingSinkTask.EVENTS.poll());

        SinkBatch batch = new SinkBatch()
                .add("t", 0, 5, 1L, 1, null, "ok1", "hk", "hv")
                .add("t", 1, 6, "bad")
                .add("t", 0, 7, "pause")
                .add("t", 1, 8, "rewind");
        JsonNode ok = sinkPut(h, batch);
        assertEquals(0, ok.get("failed").size());
        assertEquals(1, ok.get("errant").size(), ok.toString());
        JsonNode errant = ok.get("errant").get(0);
        assertEquals(1, errant.get("index").asInt(), "the index survived RegexRouter's newRecord");
        assertEquals("java.lang.IllegalArgumentException", errant.get("class").asText());
        assertEquals("bad record", errant.get("message").asText());
        assertEquals(parse("[{\"type\":\"pause\",\"partitions\":[{\"topic\":\"t\",\"partition\":0}]},"
                + "{\"type\":\"offset\",\"topic\":\"t\",\"partition\":1,\"offset\":0}]"), ok.get("actions"));
        assertEquals("put routed/0@5 ok1 original=t/0@5 headers=1", RecordingSinkTask.EVENTS.poll());
        assertEquals("put routed/0@7 pause original=t/0@7 headers=0", RecordingSinkTask.EVENTS.poll());
        assertEquals("put routed/1@8 rewind original=t/1@8 headers=0", RecordingSinkTask.EVENTS.poll());

        // A RetriableException from put asks Rust to redeliver.
        JsonNode retry = error(sinkPutRaw(h, new SinkBatch().add("t", 0, 9, "retry")));
        assertTrue(retry.get("retriable").asBoolean());
        assertEquals("org.apache.kafka.connect.errors.RetriableException", retry.get("class").asText());

        // After close, t-1 is no longer assigned: pausing it is an error, as with Kafka's consumer.
        taskOk(h, "close", partitions("t", 1));
        assertEquals("close [t-1]", RecordingSinkTask.EVENTS.poll());
        JsonNode e = error(sinkPutRaw(h, new SinkBatch().add("t", 1, 10, "pause")));
        assertEquals("org.apache.kafka.connect.errors.IllegalWorkerStateException", e.get("class").asText());
        release(h);
    }

    @Test
    void anErrantReportUnderToleranceNoneFailsTheTask() {
        long h = recordingSink(props("errors.tolerance", "none"));
        taskOk(h, "start", obj());
        taskOk(h, "open", partitions("t", 0));
        JsonNode e = error(sinkPutRaw(h, new SinkBatch().add("t", 0, 1, "bad")));
        assertEquals("Tolerance exceeded in error handler", e.get("message").asText());
        release(h);
    }

    @Test
    void aMalformedBatchIsAClearError() {
        long h = recordingSink(obj());
        taskOk(h, "start", obj());
        byte[] bytes = new SinkBatch().add("t", 0, 1, "x").bytes();
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        JsonNode e = error(BridgeHarness.call(() -> Bridge.sinkPut(h, truncated)));
        assertTrue(e.get("message").asText().contains("sink batch is truncated"), e.toString());
        release(h);
    }
}
