package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.common.internals.Plugin;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.TransformationStage;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.errors.Stage;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.util.ConnectorTaskId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a task runs with, built as Kafka's {@code Worker.startTask} builds it: the task from the
 * connector's plugin loader, key/value/header converters from the connector config first and the
 * worker config second, the transformation chain with predicates from
 * {@link ConnectorConfig#transformationStages}, and the {@code errors.*} policy. Shared by the source
 * and sink drivers; {@link #close()} releases what {@code release} must.
 */
final class TaskParts<R extends ConnectRecord<R>> implements AutoCloseable {
    final ConnectorTaskId id;
    final ClassLoader loader;
    final Task task;
    final ConnectorConfig connectorConfig;
    final Map<String, String> taskConfig;
    final Plugin<Converter> keyConverter;
    final Plugin<Converter> valueConverter;
    final Plugin<HeaderConverter> headerConverter;
    final List<TransformationStage<R>> stages;
    final ErrorPolicy policy;
    final PluginMetricsImpl pluginMetrics;

    private TaskParts(Builder<R> b) {
        this.id = b.id;
        this.loader = b.loader;
        this.task = b.task;
        this.connectorConfig = b.connectorConfig;
        this.taskConfig = b.taskConfig;
        this.keyConverter = b.keyConverter;
        this.valueConverter = b.valueConverter;
        this.headerConverter = b.headerConverter;
        this.stages = b.stages;
        this.policy = b.policy;
        this.pluginMetrics = b.pluginMetrics;
    }

    /**
     * Builds from the {@code taskCreate} input. The caller has not set any context loader; this does,
     * to the connector's loader, for the whole build (Kafka's Worker does the same).
     */
    static <R extends ConnectRecord<R>> TaskParts<R> build(JsonNode in, boolean source) {
        Host host = Host.get();
        Plugins plugins = host.plugins;
        String connector = Json.text(in, "connector");
        int taskId = Json.intValue(in, "task_id");
        Map<String, String> connProps = new LinkedHashMap<>(Json.stringMap(in, "connector_config", true));
        Map<String, String> taskProps = Json.stringMap(in, "task_config", true);
        Map<String, String> worker = Json.stringMap(in, "worker", false);
        // ConnectorConfig requires name and connector.class; Rust passes them separately too.
        connProps.putIfAbsent(ConnectorConfig.NAME_CONFIG, connector);
        String connectorClass = Json.optText(in, "connector_class");
        if (connectorClass != null) {
            connProps.putIfAbsent(ConnectorConfig.CONNECTOR_CLASS_CONFIG, connectorClass);
        }
        String taskClassName = Json.optText(in, "task_class");
        if (taskClassName == null) {
            taskClassName = taskProps.get("task.class");
        }
        if (taskClassName == null) {
            throw new IllegalArgumentException("missing field \"task_class\" (and no task.class in task_config)");
        }

        Builder<R> b = new Builder<>();
        b.id = new ConnectorTaskId(connector, taskId);
        b.taskConfig = taskProps;
        b.loader = host.connectorLoader(connProps.get(ConnectorConfig.CONNECTOR_CLASS_CONFIG),
                connProps.get(ConnectorConfig.CONNECTOR_VERSION));
        // Kafka parses its worker config once, at startup, with the delegating loader as context loader:
        // worker-level converter classes resolve there, not in the connector's plugin.
        WorkerConfig workerConfig;
        try (Tccl t = Tccl.use(plugins.delegatingLoader())) {
            workerConfig = WorkerProps.config(worker);
        }
        try (Tccl t = Tccl.use(b.loader)) {
            b.connectorConfig = source
                    ? new SourceConnectorConfig(plugins, connProps, workerConfig.topicCreationEnable())
                    : new SinkConnectorConfig(plugins, connProps);

            Class<? extends Task> taskClass = taskClass(taskClassName, b.loader);
            Class<?> expected = source ? SourceTask.class : SinkTask.class;
            if (!expected.isAssignableFrom(taskClass)) {
                throw new IllegalArgumentException(taskClassName + " is not a " + expected.getSimpleName()
                        + " (taskCreate kind \"" + (source ? "source" : "sink") + "\")");
            }
            b.task = plugins.newTask(taskClass);

            // As Kafka's Worker: converters named in the connector config are loaded through the connector's
            // loader first (a converter packaged with the connector wins); otherwise the worker's.
            Converter key = plugins.newConverter(b.connectorConfig, ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG,
                    ConnectorConfig.KEY_CONVERTER_VERSION_CONFIG);
            if (key == null) {
                key = plugins.newConverter(workerConfig, WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, WorkerConfig.KEY_CONVERTER_VERSION);
            }
            b.keyConverter = host.metrics.wrap(key, b.id, true);
            Converter value = plugins.newConverter(b.connectorConfig, ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG,
                    ConnectorConfig.VALUE_CONVERTER_VERSION_CONFIG);
            if (value == null) {
                value = plugins.newConverter(workerConfig, WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, WorkerConfig.VALUE_CONVERTER_VERSION);
            }
            b.valueConverter = host.metrics.wrap(value, b.id, false);
            HeaderConverter header = plugins.newHeaderConverter(b.connectorConfig, ConnectorConfig.HEADER_CONVERTER_CLASS_CONFIG,
                    ConnectorConfig.HEADER_CONVERTER_VERSION_CONFIG);
            if (header == null) {
                header = plugins.newHeaderConverter(workerConfig, WorkerConfig.HEADER_CONVERTER_CLASS_CONFIG,
                        WorkerConfig.HEADER_CONVERTER_VERSION);
            }
            b.headerConverter = host.metrics.wrap(header, b.id);

            b.stages = b.connectorConfig.transformationStages(plugins, b.id, host.metrics);
            b.policy = ErrorPolicy.of(b.connectorConfig);
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("connector", connector);
            tags.put("task", String.valueOf(taskId));
            b.pluginMetrics = new PluginMetricsImpl(host.metrics.metrics(), tags);
            return new TaskParts<>(b);
        } catch (RuntimeException | Error e) {
            b.closeAll();
            throw e;
        }
    }

    /** Kafka resolves {@code task.class} through the connector's loader: the task ships with its connector. */
    private static Class<? extends Task> taskClass(String name, ClassLoader loader) {
        Class<?> klass;
        try {
            klass = Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("task class " + name + " not found by the connector's class loader " + loader, e);
        }
        if (!Task.class.isAssignableFrom(klass)) {
            throw new IllegalArgumentException(name + " is not a org.apache.kafka.connect.connector.Task");
        }
        return klass.asSubclass(Task.class);
    }

    /**
     * Runs the record through the chain, each stage under the error policy. Null when a stage dropped
     * it (a filter, a predicate-guarded filter, an SMT returning null) or it failed a tolerated stage
     * (then {@code context.failed()}).
     */
    R transform(ErrorPolicy.RecordContext context, R record) {
        R current = record;
        for (TransformationStage<R> stage : stages) {
            final R input = current;
            current = policy.execute(context, Stage.TRANSFORMATION, stage.transformClass(), () -> stage.apply(input));
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    @Override
    public void close() {
        try (Tccl t = Tccl.use(loader)) {
            for (TransformationStage<R> stage : stages) {
                Utils.closeQuietly(stage, "transformation stage");
            }
            Utils.closeQuietly(keyConverter, "key converter");
            Utils.closeQuietly(valueConverter, "value converter");
            Utils.closeQuietly(headerConverter, "header converter");
            Utils.closeQuietly(pluginMetrics, "task plugin metrics");
        }
    }

    private static final class Builder<R extends ConnectRecord<R>> {
        ConnectorTaskId id;
        ClassLoader loader;
        Task task;
        ConnectorConfig connectorConfig;
        Map<String, String> taskConfig;
        Plugin<Converter> keyConverter;
        Plugin<Converter> valueConverter;
        Plugin<HeaderConverter> headerConverter;
        List<TransformationStage<R>> stages = new ArrayList<>();
        ErrorPolicy policy;
        PluginMetricsImpl pluginMetrics;

        /** A half-built task must not leak converters or SMTs (they may hold threads or files). */
        void closeAll() {
            for (TransformationStage<R> stage : stages) {
                Utils.closeQuietly(stage, "transformation stage");
            }
            Utils.closeQuietly(keyConverter, "key converter");
            Utils.closeQuietly(valueConverter, "value converter");
            Utils.closeQuietly(headerConverter, "header converter");
            Utils.closeQuietly(pluginMetrics, "task plugin metrics");
        }
    }
}
