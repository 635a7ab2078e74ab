package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connector handle: one connector instance (a new one per {@code connectorCreate}, as Kafka creates a
 * new instance for every start), its context, and the events that context raises. Rust's herder reacts
 * to {@code request_task_reconfiguration} and {@code raise_error}, which connectors may raise from any
 * thread, by waiting on op {@code events}.
 */
final class ConnectorDriver {
    final String name;
    final Connector connector;
    final ClassLoader loader;
    final boolean source;
    private final OffsetJson offsetJson = new OffsetJson();
    private final SnapshotOffsetReader offsetReader = new SnapshotOffsetReader(offsetJson);
    private final LinkedBlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    private final PluginMetricsImpl pluginMetrics;
    private boolean initialized;

    ConnectorDriver(String name, Connector connector, ClassLoader loader, PluginMetricsImpl pluginMetrics) {
        this.name = name;
        this.connector = connector;
        this.loader = loader;
        this.source = connector instanceof SourceConnector;
        this.pluginMetrics = pluginMetrics;
    }

    /** One op of {@code connectorCall}, with the context loader already set to {@link #loader}. */
    JsonNode call(String op, JsonNode in) throws Exception {
        switch (op) {
            case "validate":
                return validate(Json.stringMap(in, "props", true));
            case "start":
                if (source) {
                    offsetReader.replace(offsetJson.entries(Json.optArray(in, "offsets")));
                }
                // Kafka initializes a connector instance once, before its first start; a start after a
                // pause (stop) reuses the same instance without initializing it again.
                if (!initialized) {
                    connector.initialize(source ? new SourceContext() : new SinkContext());
                    initialized = true;
                }
                connector.start(Json.stringMap(in, "props", true));
                return null;
            case "task_configs":
                return taskConfigs(Json.intValue(in, "max_tasks"));
            case "stop":
                connector.stop();
                return null;
            case "alter_offsets":
                return Json.NODES.booleanNode(alterOffsets(in));
            case "events":
                return events(Json.longValue(in, "timeout_ms"));
            default:
                throw new IllegalArgumentException("unknown connector op \"" + op
                        + "\" (validate, start, task_configs, stop, alter_offsets, events, release)");
        }
    }

    void release() {
        Utils.closeQuietly(pluginMetrics, "connector plugin metrics");
    }

    private JsonNode validate(Map<String, String> props) {
        ConfigDef def = connector.config();
        if (def == null) {
            throw new IllegalStateException(connector.getClass().getName() + ".config() returned null; "
                    + "a connector must define its configuration");
        }
        Config config = connector.validate(props);
        if (config == null) {
            throw new IllegalStateException(connector.getClass().getName() + ".validate() returned null");
        }
        ObjectNode ok = Json.object();
        ok.set("config_keys", ConfigJson.keys(def));
        ok.set("values", ConfigJson.values(config, def));
        return ok;
    }

    private JsonNode taskConfigs(int maxTasks) {
        String taskClass = connector.taskClass().getName();
        List<Map<String, String>> configs = connector.taskConfigs(maxTasks);
        if (configs == null) {
            throw new IllegalStateException(connector.getClass().getName() + ".taskConfigs() returned null");
        }
        ObjectNode ok = Json.object();
        ok.put("task_class", taskClass);
        ArrayNode list = ok.putArray("configs");
        for (Map<String, String> config : configs) {
            list.add(config == null ? Json.object() : Json.stringMapNode(config));
        }
        return ok;
    }

    private boolean alterOffsets(JsonNode in) {
        Map<String, String> props = Json.stringMap(in, "props", true);
        if (in.has("source")) {
            if (!source) {
                throw new IllegalArgumentException("connector " + name + " is a sink connector; alter its offsets with \"sink\"");
            }
            // Normalised as Kafka normalises REST input before alterOffsets: through the offset store's converter.
            Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>(offsetJson.entries(Json.optArray(in, "source")));
            return ((SourceConnector) connector).alterOffsets(props, offsets);
        }
        if (in.has("sink")) {
            if (source) {
                throw new IllegalArgumentException("connector " + name + " is a source connector; alter its offsets with \"source\"");
            }
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (JsonNode o : Json.optArray(in, "sink")) {
                JsonNode offset = o.get("offset");
                offsets.put(new TopicPartition(Json.text(o, "topic"), Json.intValue(o, "partition")),
                        offset == null || offset.isNull() ? null : Json.longValue(o, "offset"));
            }
            return ((SinkConnector) connector).alterOffsets(props, offsets);
        }
        throw new IllegalArgumentException("alter_offsets needs \"source\" or \"sink\"");
    }

    /** Waits up to timeout_ms for the first event, then takes whatever else is already queued. */
    private JsonNode events(long timeoutMs) throws InterruptedException {
        ArrayNode out = Json.array();
        ObjectNode first = events.poll(Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        if (first != null) {
            out.add(first);
            List<ObjectNode> more = new ArrayList<>();
            events.drainTo(more);
            out.addAll(more);
        }
        return out;
    }

    /** Connectors call their context from any thread; the events queue is the hand-off to Rust. */
    private class Context implements ConnectorContext {
        @Override
        public void requestTaskReconfiguration() {
            ObjectNode e = Json.object();
            e.put("type", "request_task_reconfiguration");
            events.add(e);
        }

        @Override
        public void raiseError(Exception error) {
            ObjectNode e = Json.object();
            e.put("type", "raise_error");
            e.set("error", Errors.toJson(error == null ? new NullPointerException("raiseError(null)") : error));
            events.add(e);
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return pluginMetrics;
        }
    }

    private final class SourceContext extends Context implements SourceConnectorContext {
        @Override
        public OffsetStorageReader offsetStorageReader() {
            return offsetReader;
        }
    }

    private final class SinkContext extends Context implements SinkConnectorContext {
    }
}
