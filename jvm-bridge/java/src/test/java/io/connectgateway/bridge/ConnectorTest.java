package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.connectgateway.bridge.testplugins.FailingSourceConnector;
import io.connectgateway.bridge.testplugins.RecordingSourceConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.connectgateway.bridge.BridgeHarness.FILE_SINK;
import static io.connectgateway.bridge.BridgeHarness.FILE_SOURCE;
import static io.connectgateway.bridge.BridgeHarness.FILE_SOURCE_TASK;
import static io.connectgateway.bridge.BridgeHarness.call;
import static io.connectgateway.bridge.BridgeHarness.connectorCreate;
import static io.connectgateway.bridge.BridgeHarness.connectorOk;
import static io.connectgateway.bridge.BridgeHarness.connectorRaw;
import static io.connectgateway.bridge.BridgeHarness.error;
import static io.connectgateway.bridge.BridgeHarness.obj;
import static io.connectgateway.bridge.BridgeHarness.ok;
import static io.connectgateway.bridge.BridgeHarness.parse;
import static io.connectgateway.bridge.BridgeHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectorTest {
    @BeforeAll
    static void init() {
        BridgeHarness.init();
    }

    @Test
    void fileSourceCreateValidateStartTaskConfigsStopRelease() {
        JsonNode created = ok(call(() -> Bridge.connectorCreate(obj().put("connector", "file-src").put("class", FILE_SOURCE).toString())));
        assertEquals("4.3.1", created.get("version").asText());
        assertEquals("source", created.get("type").asText());
        long h = created.get("handle").asLong();

        ObjectNode props = props("name", "file-src", "connector.class", FILE_SOURCE, "file", "/tmp/in.txt", "topic", "t1");
        JsonNode validated = connectorOk(h, "validate", obj().set("props", props));
        Map<String, JsonNode> values = new HashMap<>();
        validated.get("values").forEach(v -> values.put(v.get("name").asText(), v));
        assertEquals("t1", values.get("topic").get("value").asText());
        assertEquals(0, values.get("topic").get("errors").size());
        assertTrue(values.get("topic").get("visible").asBoolean());
        assertTrue(validated.get("config_keys").size() >= 3);

        ObjectNode noTopic = props("file", "/tmp/in.txt");
        JsonNode invalid = connectorOk(h, "validate", obj().set("props", noTopic));
        boolean topicError = false;
        for (JsonNode v : invalid.get("values")) {
            if (v.get("name").asText().equals("topic")) {
                topicError = v.get("errors").size() > 0;
            }
        }
        assertTrue(topicError, "a missing topic is reported: " + invalid);

        ObjectNode start = obj();
        start.set("props", props);
        start.putArray("offsets");
        assertTrue(connectorOk(h, "start", start).isNull());

        JsonNode tasks = connectorOk(h, "task_configs", obj().put("max_tasks", 3));
        assertEquals(FILE_SOURCE_TASK, tasks.get("task_class").asText());
        assertEquals(1, tasks.get("configs").size(), "FileStream makes one task");
        assertEquals("/tmp/in.txt", tasks.get("configs").get(0).get("file").asText());
        assertEquals("t1", tasks.get("configs").get(0).get("topic").asText());

        assertEquals(0, connectorOk(h, "events", obj().put("timeout_ms", 0)).size());
        assertTrue(connectorOk(h, "stop", obj()).isNull());
        assertTrue(connectorOk(h, "release", obj()).isNull());
        JsonNode gone = error(connectorRaw(h, "stop", obj()));
        assertTrue(gone.get("message").asText().contains("unknown handle"));
    }

    @Test
    void alterOffsetsPassesKafkasTypes() {
        long h = connectorCreate("file-src-alter", FILE_SOURCE);
        ObjectNode props = props("file", "/tmp/in.txt", "topic", "t1");
        ObjectNode in = obj();
        in.set("props", props);
        ObjectNode entry = in.putArray("source").addObject();
        entry.putObject("partition").put("filename", "/tmp/in.txt");
        // FileStreamSourceConnector insists on a Long position: JSON 5 must arrive as 5L.
        entry.putObject("offset").put("position", 5);
        ((ArrayNode) in.get("source")).addObject().put("offset", (String) null).putObject("partition").put("filename", "/old");
        assertTrue(connectorOk(h, "alter_offsets", in).asBoolean());

        ((ObjectNode) entry.get("offset")).put("position", -3);
        JsonNode e = error(connectorRaw(h, "alter_offsets", in));
        assertEquals("org.apache.kafka.connect.errors.ConnectException", e.get("class").asText());
        assertTrue(e.get("message").asText().contains("non-negative"), e.toString());

        JsonNode wrongKind = error(connectorRaw(h, "alter_offsets", parse("{\"props\":{},\"sink\":[]}")));
        assertTrue(wrongKind.get("message").asText().contains("source connector"));
        connectorOk(h, "release", obj());

        long sink = connectorCreate("file-sink-alter", FILE_SINK);
        JsonNode sinkIn = parse("{\"props\":{\"topics\":\"t1\"},\"sink\":[{\"topic\":\"t1\",\"partition\":0,\"offset\":4},"
                + "{\"topic\":\"t1\",\"partition\":1,\"offset\":null}]}");
        assertTrue(connectorOk(sink, "alter_offsets", sinkIn).asBoolean());
        connectorOk(sink, "release", obj());
    }

    @Test
    void aConnectorThatThrowsInStartAnswersTheErrorWithItsTrace() {
        JsonNode created = ok(call(() -> Bridge.connectorCreate(
                obj().put("connector", "failing").put("class", FailingSourceConnector.class.getName()).toString())));
        assertEquals("0.0.1-test", created.get("version").asText());
        long h = created.get("handle").asLong();
        ObjectNode start = obj();
        start.set("props", props("name", "failing"));
        JsonNode e = error(connectorRaw(h, "start", start));
        assertEquals("java.lang.IllegalStateException", e.get("class").asText());
        assertEquals(FailingSourceConnector.MESSAGE, e.get("message").asText());
        String trace = e.get("trace").asText();
        assertTrue(trace.startsWith("java.lang.IllegalStateException: " + FailingSourceConnector.MESSAGE), trace);
        assertTrue(trace.contains("at " + FailingSourceConnector.class.getName() + ".start("), trace);
        assertTrue(trace.contains("Caused by: java.io.IOException: the cause"), trace);
        assertFalse(e.get("retriable").asBoolean());
        connectorOk(h, "release", obj());
    }

    @Test
    void contextEventsFromAnyThreadAndTheOffsetReaderOfTheStartOffsets() {
        long h = connectorCreate("recording", RecordingSourceConnector.class.getName());
        ObjectNode start = obj();
        start.set("props", props("name", "recording", "raise", "boom"));
        ObjectNode entry = start.putArray("offsets").addObject();
        entry.putObject("partition").put("p", "a");
        entry.putObject("offset").put("i", 7);
        connectorOk(h, "start", start);

        JsonNode events = connectorOk(h, "events", obj().put("timeout_ms", 2000));
        assertEquals(2, events.size(), events.toString());
        assertEquals("request_task_reconfiguration", events.get(0).get("type").asText());
        assertEquals("raise_error", events.get(1).get("type").asText());
        assertEquals("boom", events.get(1).get("error").get("message").asText());
        assertTrue(events.get(1).get("error").get("trace").asText().contains("RecordingSourceConnector.start"));

        long t0 = System.nanoTime();
        assertEquals(0, connectorOk(h, "events", obj().put("timeout_ms", 100)).size());
        assertTrue(System.nanoTime() - t0 >= 90_000_000L, "events waits for the timeout");

        JsonNode tasks = connectorOk(h, "task_configs", obj().put("max_tasks", 2));
        assertEquals(2, tasks.get("configs").size());
        // What the connector's OffsetStorageReader answered for {"p": "a"}: the start offsets, typed as Kafka's store types them.
        assertEquals("{i=7}", tasks.get("configs").get(0).get("seen.offset").asText());
        connectorOk(h, "stop", obj());
        connectorOk(h, "release", obj());
    }

    @Test
    void unknownOpsAndAmbiguousClassesAreErrors() {
        long h = connectorCreate("file-src-ops", FILE_SOURCE);
        JsonNode e = error(connectorRaw(h, "bogus", obj()));
        assertTrue(e.get("message").asText().contains("unknown connector op \"bogus\""));
        connectorOk(h, "release", obj());
        e = error(call(() -> Bridge.connectorCreate(obj().put("connector", "x").put("class", "no.such.Connector").toString())));
        assertTrue(e.get("message").asText().contains("no.such.Connector"), e.toString());
    }
}
