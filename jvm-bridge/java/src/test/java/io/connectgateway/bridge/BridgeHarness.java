package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Calls {@link Bridge} the way the Rust side does: strings and byte arrays in and out, from a thread
 * whose context class loader is null (what a JNI-attached thread has), and checks it is null again
 * after every call. Also encodes acks and sink batches, and decodes source batches, per PROTOCOL.md.
 */
final class BridgeHarness {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    static final String FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
    static final String FILE_SOURCE_TASK = "org.apache.kafka.connect.file.FileStreamSourceTask";
    static final String FILE_SINK_TASK = "org.apache.kafka.connect.file.FileStreamSinkTask";

    private static String initAnswer;

    private BridgeHarness() {
    }

    /** The plugin.path Maven prepared (connect-file in its own directory), as a Rust worker would have it. */
    static Path pluginPath() {
        String dir = System.getProperty("connect.gateway.test.plugin.path");
        if (dir == null) {
            fail("system property connect.gateway.test.plugin.path is not set (run the tests through Maven)");
        }
        Path path = Paths.get(dir);
        assertTrue(Files.isDirectory(path.resolve("connect-file")), "no connect-file plugin under " + path);
        return path;
    }

    /** Init once per JVM, as the worker does; every test class shares it. */
    static synchronized JsonNode init() {
        if (initAnswer == null) {
            ObjectNode in = MAPPER.createObjectNode();
            in.putArray("plugin_path").add(pluginPath().toString());
            in.putObject("worker").put("plugin.discovery", "hybrid_warn");
            initAnswer = call(() -> Bridge.init(in.toString()));
        }
        return ok(initAnswer);
    }

    interface Call<T> {
        T run();
    }

    /** Runs one bridge call with a null context loader and checks the bridge restored it. */
    static <T> T call(Call<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        thread.setContextClassLoader(null);
        try {
            T answer = call.run();
            assertNull(thread.getContextClassLoader(), "the bridge must restore the caller's (null) context loader");
            return answer;
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** The ok payload, failing the test with the error's trace otherwise. */
    static JsonNode ok(String answer) {
        JsonNode node = parse(answer);
        if (!node.has("ok")) {
            fail("expected ok, got " + (node.has("error") ? node.get("error").path("trace").asText(answer) : answer));
        }
        assertEquals(1, node.size(), "an answer has exactly one of ok/error: " + answer);
        return node.get("ok");
    }

    /** The error object, failing the test if the call succeeded. */
    static JsonNode error(String answer) {
        JsonNode node = parse(answer);
        if (!node.has("error")) {
            fail("expected an error, got " + answer);
        }
        JsonNode error = node.get("error");
        assertTrue(error.has("class") && error.has("message") && error.has("trace") && error.has("retriable"),
                "error shape: " + error);
        return error;
    }

    static ObjectNode obj() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode props(String... kv) {
        ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            node.put(kv[i], kv[i + 1]);
        }
        return node;
    }

    static long connectorCreate(String name, String className) {
        JsonNode ok = ok(call(() -> Bridge.connectorCreate(obj().put("connector", name).put("class", className).toString())));
        return ok.get("handle").asLong();
    }

    static JsonNode connectorOk(long handle, String op, JsonNode in) {
        return ok(call(() -> Bridge.connectorCall(handle, op, in.toString())));
    }

    static String connectorRaw(long handle, String op, JsonNode in) {
        return call(() -> Bridge.connectorCall(handle, op, in.toString()));
    }

    /** taskCreate input as Rust builds it. */
    static ObjectNode taskInput(String kind, String connector, String connectorClass, String taskClass,
                                ObjectNode connectorConfig, ObjectNode taskConfig) {
        ObjectNode in = obj();
        in.put("kind", kind);
        in.put("connector", connector);
        in.put("task_id", 0);
        in.put("connector_class", connectorClass);
        in.put("task_class", taskClass);
        connectorConfig.put("name", connector);
        connectorConfig.put("connector.class", connectorClass);
        in.set("connector_config", connectorConfig);
        in.set("task_config", taskConfig);
        in.set("worker", obj());
        return in;
    }

    static long taskCreate(ObjectNode in) {
        return ok(call(() -> Bridge.taskCreate(in.toString()))).get("handle").asLong();
    }

    static JsonNode taskOk(long handle, String op, JsonNode in) {
        return ok(call(() -> Bridge.taskCall(handle, op, in.toString())));
    }

    static void release(long task) {
        taskOk(task, "stop", obj());
        taskOk(task, "release", obj());
    }

    // ---- source batches -------------------------------------------------------------------------

    /** One decoded record of a status-0 batch. */
    static final class Rec {
        long seq;
        int kind;
        String partition;
        String offset;
        String topic;
        int kafkaPartition;
        long timestamp;
        byte[] key;
        byte[] value;
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode error;

        String valueText() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    /** A decoded batch: either records (status 0) or an error (status 1). */
    static final class Batch {
        int status;
        JsonNode error;
        List<Rec> records = new ArrayList<>();
    }

    static Batch poll(long handle, byte[] acks) {
        return decode(call(() -> Bridge.sourcePoll(handle, acks)));
    }

    static Batch decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Batch batch = new Batch();
        batch.status = b.get();
        if (batch.status == 1) {
            batch.error = parse(str32(b));
            assertEquals(0, b.remaining());
            return batch;
        }
        assertEquals(0, batch.status);
        int n = b.getInt();
        for (int i = 0; i < n; i++) {
            Rec r = new Rec();
            r.seq = b.getLong();
            r.kind = b.get();
            r.partition = str32(b);
            r.offset = str32(b);
            if (r.kind == 0) {
                r.topic = str16(b);
                r.kafkaPartition = b.getInt();
                r.timestamp = b.getLong();
                r.key = bytes32(b);
                r.value = bytes32(b);
                int h = b.getShort() & 0xFFFF;
                for (int j = 0; j < h; j++) {
                    String k = str16(b);
                    byte[] v = bytes32(b);
                    r.headers.put(k, v == null ? null : new String(v, StandardCharsets.UTF_8));
                }
            } else if (r.kind == 2) {
                r.error = parse(str32(b));
            } else {
                assertEquals(1, r.kind, "record kind");
            }
            batch.records.add(r);
        }
        assertEquals(0, b.remaining(), "trailing bytes in batch");
        return batch;
    }

    private static String str16(ByteBuffer b) {
        int n = b.getShort() & 0xFFFF;
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] bytes32(ByteBuffer b) {
        int n = b.getInt();
        if (n == -1) {
            return null;
        }
        byte[] s = new byte[n];
        b.get(s);
        return s;
    }

    private static String str32(ByteBuffer b) {
        byte[] s = bytes32(b);
        return s == null ? null : new String(s, StandardCharsets.UTF_8);
    }

    /** Acks: each {seq, topic-or-null(=no metadata), partition, offset, timestamp-or-null}. */
    static final class Acks {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int n;

        Acks ack(long seq, String topic, int partition, long offset, Long timestamp) {
            n++;
            putLong(seq);
            if (topic == null) {
                out.write(0);
            } else {
                out.write(1);
                putStr(topic);
                putInt(partition);
                putLong(offset);
                putLong(timestamp == null ? Long.MIN_VALUE : timestamp);
            }
            return this;
        }

        Acks dropped(long seq) {
            return ack(seq, null, 0, 0, null);
        }

        byte[] bytes() {
            ByteBuffer b = ByteBuffer.allocate(4 + out.size()).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(n);
            b.put(out.toByteArray());
            return b.array();
        }

        private void putLong(long v) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        private void putInt(int v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        private void putStr(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) b.length).array());
            out.writeBytes(b);
        }
    }

    // ---- sink batches ---------------------------------------------------------------------------

    /** A sink batch as Rust encodes it. */
    static final class SinkBatch {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int n;

        SinkBatch add(String topic, int partition, long offset, Long timestamp, int timestampType,
                      String key, String value, String... headerKv) {
            n++;
            Acks w = new Acks();
            w.putStr(topic);
            w.putInt(partition);
            w.putLong(offset);
            w.putLong(timestamp == null ? Long.MIN_VALUE : timestamp);
            w.out.write(timestampType);
            putBytes(w, key);
            putBytes(w, value);
            w.out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) (headerKv.length / 2)).array());
            for (int i = 0; i < headerKv.length; i += 2) {
                w.putStr(headerKv[i]);
                putBytes(w, headerKv[i + 1]);
            }
            out.writeBytes(w.out.toByteArray());
            return this;
        }

        SinkBatch add(String topic, int partition, long offset, String value) {
            return add(topic, partition, offset, 1_700_000_000_000L, 1, null, value);
        }

        private static void putBytes(Acks w, String s) {
            if (s == null) {
                w.putInt(-1);
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                w.putInt(b.length);
                w.out.writeBytes(b);
            }
        }

        byte[] bytes() {
            ByteBuffer b = ByteBuffer.allocate(4 + out.size()).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(n);
            b.put(out.toByteArray());
            return b.array();
        }
    }

    static JsonNode sinkPut(long handle, SinkBatch batch) {
        return ok(call(() -> Bridge.sinkPut(handle, batch.bytes())));
    }

    static String sinkPutRaw(long handle, SinkBatch batch) {
        return call(() -> Bridge.sinkPut(handle, batch.bytes()));
    }
}
