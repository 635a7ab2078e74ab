package io.connectgateway.bridge;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;

import java.util.HashMap;
import java.util.Map;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.CLASS;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

/**
 * The worker-level settings the shim needs, as a real {@link WorkerConfig} (Kafka's
 * {@code Plugins.newConverter} and {@code ConnectMetrics} take one).
 *
 * <p>Not Kafka's full worker ConfigDef: that one requires {@code bootstrap.servers} and defines REST,
 * SSL and Kafka-client keys that mean nothing to a RocketMQ gateway. Only the keys below are parsed,
 * with Kafka's names and defaults; everything else in the worker map is carried along unparsed
 * (as Kafka carries unknown keys).
 *
 * <p>One deliberate difference: Kafka 4.3 requires {@code key.converter} and {@code value.converter}
 * in the worker config; here a worker config without them gets {@link JsonConverter}, as the
 * gateway's worker does. They are put into the map itself, not just the ConfigDef, because
 * {@code Plugins.newConverter} only instantiates a converter whose key is present in the originals.
 */
final class WorkerProps {
    private static final ConfigDef DEF = new ConfigDef()
            .define(WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, CLASS, LOW, "worker-level key converter")
            .define(WorkerConfig.KEY_CONVERTER_VERSION, STRING, null, LOW, "version range of the key converter")
            .define(WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, CLASS, LOW, "worker-level value converter")
            .define(WorkerConfig.VALUE_CONVERTER_VERSION, STRING, null, LOW, "version range of the value converter")
            .define(WorkerConfig.HEADER_CONVERTER_CLASS_CONFIG, CLASS, WorkerConfig.HEADER_CONVERTER_CLASS_DEFAULT, LOW,
                    "worker-level header converter")
            .define(WorkerConfig.HEADER_CONVERTER_VERSION, STRING, null, LOW, "version range of the header converter")
            .define(WorkerConfig.TOPIC_CREATION_ENABLE_CONFIG, BOOLEAN, true, LOW,
                    "whether source connectors' topic.creation.* settings are honoured")
            .define(WorkerConfig.METRICS_SAMPLE_WINDOW_MS_CONFIG, LONG, 30000L, atLeast(0), LOW, "metrics sample window")
            .define(WorkerConfig.METRICS_NUM_SAMPLES_CONFIG, INT, 2, atLeast(1), LOW, "metrics samples")
            .define(WorkerConfig.METRICS_RECORDING_LEVEL_CONFIG, STRING, Sensor.RecordingLevel.INFO.toString(),
                    ConfigDef.ValidString.in(Sensor.RecordingLevel.INFO.toString(), Sensor.RecordingLevel.DEBUG.toString()),
                    LOW, "metrics recording level")
            .define(WorkerConfig.METRIC_REPORTER_CLASSES_CONFIG, LIST, JmxReporter.class.getName(), LOW,
                    "metrics reporters");

    private WorkerProps() {
    }

    /** Parse with the context loader set to a loader that can see plugin.path (class names may be aliases). */
    static WorkerConfig config(Map<String, String> worker) {
        Map<String, String> props = new HashMap<>(worker);
        props.values().removeIf(v -> v == null);
        props.putIfAbsent(WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, JsonConverter.class.getName());
        props.putIfAbsent(WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, JsonConverter.class.getName());
        return new WorkerConfig(DEF, props);
    }
}
