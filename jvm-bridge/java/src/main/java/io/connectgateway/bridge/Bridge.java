package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The only class the Rust worker calls (through JNI static calls). The contract is
 * {@code jvm-bridge/PROTOCOL.md}: control calls take and answer JSON strings
 * ({@code {"ok": …}} or {@code {"error": …}}), data calls take and answer byte arrays.
 *
 * <p>No method lets anything escape: every one catches Throwable and answers it in the protocol's
 * error shape, because a pending Java exception on a natively attached thread makes every further
 * JNI call illegal until Rust clears it. Every call that reaches plugin code runs with the thread
 * context class loader set to that plugin's loader and restores the caller's afterwards.
 */
public final class Bridge {
    private Bridge() {
    }

    /** {@code {"plugin_path": [...], "worker": {...}}} → Kafka version and every plugin found. Idempotent. */
    public static String init(String json) {
        try {
            return Host.init(Json.parse(json));
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** {@code {"class", "type"}} → {@code {"config_keys": [...]}}. */
    public static String pluginConfig(String json) {
        try {
            JsonNode in = Json.parse(json);
            return Json.ok(PluginConfigs.configKeys(Json.text(in, "class"), Json.text(in, "type")));
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** {@code {"connector", "class"}} → a new connector instance's handle, version and type. */
    public static String connectorCreate(String json) {
        try {
            JsonNode in = Json.parse(json);
            String name = Json.text(in, "connector");
            String className = Json.text(in, "class");
            Host host = Host.get();
            ClassLoader loader = host.connectorLoader(className, null);
            ConnectorDriver driver;
            String version;
            try (Tccl t = Tccl.use(loader)) {
                Connector connector = host.plugins.newConnector(className);
                if (!(connector instanceof SourceConnector) && !(connector instanceof SinkConnector)) {
                    throw new IllegalArgumentException(className + " is neither a SourceConnector nor a SinkConnector");
                }
                version = connector.version();
                PluginMetricsImpl metrics = host.metrics.connectorPluginMetrics(name);
                driver = new ConnectorDriver(name, connector, loader, metrics);
            }
            ObjectNode ok = Json.object();
            ok.put("handle", Handles.register(driver));
            ok.put("version", version);
            ok.put("type", driver.source ? "source" : "sink");
            return Json.ok(ok);
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** validate, start, task_configs, stop, alter_offsets, events, release (PROTOCOL.md). */
    public static String connectorCall(long handle, String op, String json) {
        try {
            ConnectorDriver driver = Handles.get(handle, ConnectorDriver.class);
            if ("release".equals(op)) {
                Handles.release(handle);
                try (Tccl t = Tccl.use(driver.loader)) {
                    driver.release();
                }
                return Json.ok(null);
            }
            JsonNode in = Json.parse(json);
            try (Tccl t = Tccl.use(driver.loader)) {
                return Json.ok(driver.call(String.valueOf(op), in));
            }
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** Builds a task as Kafka's Worker does (task, converters, SMT chain, error policy) → handle and version. */
    public static String taskCreate(String json) {
        try {
            JsonNode in = Json.parse(json);
            String kind = Json.text(in, "kind");
            TaskDriver driver;
            if ("source".equals(kind)) {
                driver = new SourceTaskDriver(TaskParts.<SourceRecord>build(in, true));
            } else if ("sink".equals(kind)) {
                driver = new SinkTaskDriver(TaskParts.<SinkRecord>build(in, false));
            } else {
                throw new IllegalArgumentException("field \"kind\" must be \"source\" or \"sink\", got \"" + kind + "\"");
            }
            String version;
            try (Tccl t = Tccl.use(driver.loader())) {
                version = driver.version();
            } catch (Throwable e) {
                driver.release();
                throw e;
            }
            ObjectNode ok = Json.object();
            ok.put("handle", Handles.register(driver));
            ok.put("version", version);
            return Json.ok(ok);
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** start, commit, open, close, pre_commit, stop, release (PROTOCOL.md). */
    public static String taskCall(long handle, String op, String json) {
        try {
            TaskDriver driver = Handles.get(handle, TaskDriver.class);
            if ("release".equals(op)) {
                Handles.release(handle);
                driver.release();
                return Json.ok(null);
            }
            JsonNode in = Json.parse(json);
            try (Tccl t = Tccl.use(driver.loader())) {
                return Json.ok(driver.call(String.valueOf(op), in));
            }
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** Acks in, one poll's batch out (PROTOCOL.md byte layouts). Status 1 carries the error. */
    public static byte[] sourcePoll(long handle, byte[] acks) {
        try {
            SourceTaskDriver driver = Handles.get(handle, SourceTaskDriver.class);
            try (Tccl t = Tccl.use(driver.loader())) {
                return driver.poll(acks);
            }
        } catch (Throwable t) {
            return Errors.batch(t);
        }
    }

    /** Acks only, without a poll: before {@code commit()} and {@code stop()}, so every acknowledged
     *  record reaches {@code commitRecord} even when no further poll follows. */
    public static String sourceAck(long handle, byte[] acks) {
        try {
            SourceTaskDriver driver = Handles.get(handle, SourceTaskDriver.class);
            try (Tccl t = Tccl.use(driver.loader())) {
                driver.ack(acks);
                return Json.ok(null);
            }
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }

    /** A batch of consumed records in; failed/errant indexes and the task's actions out, or put's error. */
    public static String sinkPut(long handle, byte[] batch) {
        try {
            SinkTaskDriver driver = Handles.get(handle, SinkTaskDriver.class);
            try (Tccl t = Tccl.use(driver.loader())) {
                return Json.ok(driver.put(batch));
            }
        } catch (Throwable t) {
            return Errors.answer(t);
        }
    }
}
