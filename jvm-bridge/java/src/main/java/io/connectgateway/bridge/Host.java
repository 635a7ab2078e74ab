package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.runtime.ConnectMetrics;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.isolation.PluginClassLoader;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.PluginUtils;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.maven.artifact.versioning.InvalidVersionSpecificationException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process-wide state {@code init} builds once: Kafka's {@link Plugins} (plugin.path scanning,
 * isolation, aliases, versions) and one {@link ConnectMetrics} (Kafka's transformation stages and
 * plugin-metrics wrappers require one). One JVM per process, so one Host.
 */
final class Host {
    /** The worker id Kafka's metrics and JMX names carry. */
    static final String WORKER_ID = "connect-gateway";

    private static volatile Host instance;

    final Plugins plugins;
    final ConnectMetrics metrics;
    private final String initAnswer;

    private Host(Plugins plugins, ConnectMetrics metrics, String initAnswer) {
        this.plugins = plugins;
        this.metrics = metrics;
        this.initAnswer = initAnswer;
    }

    /** The current Host, or a clear error when Rust calls anything before {@code init}. */
    static Host get() {
        Host host = instance;
        if (host == null) {
            throw new IllegalStateException("Bridge.init has not been called (or failed)");
        }
        return host;
    }

    /**
     * Builds the Host on the first call; later calls answer from the first, whatever their input
     * (a JVM cannot unload what Plugins loaded, so a second plugin.path could not take effect anyway).
     * A failed init leaves nothing behind and may be retried.
     */
    static synchronized String init(JsonNode in) {
        if (instance != null) {
            return instance.initAnswer;
        }
        Map<String, String> worker = Json.stringMap(in, "worker", false);
        List<String> pluginPath = new ArrayList<>();
        for (JsonNode dir : Json.optArray(in, "plugin_path")) {
            if (!dir.isTextual()) {
                throw new IllegalArgumentException("plugin_path entries must be strings, got " + dir);
            }
            pluginPath.add(dir.textValue());
        }
        Map<String, String> pluginProps = new HashMap<>();
        if (!pluginPath.isEmpty()) {
            pluginProps.put(WorkerConfig.PLUGIN_PATH_CONFIG, String.join(",", pluginPath));
        } else if (!in.has("plugin_path") && worker.get(WorkerConfig.PLUGIN_PATH_CONFIG) != null) {
            // Only the worker properties were given: their plugin.path is Kafka's own comma-separated list.
            pluginProps.put(WorkerConfig.PLUGIN_PATH_CONFIG, worker.get(WorkerConfig.PLUGIN_PATH_CONFIG));
        }
        String discovery = worker.get(WorkerConfig.PLUGIN_DISCOVERY_CONFIG);
        if (discovery != null) {
            pluginProps.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, discovery);
        }

        Plugins plugins;
        ConnectMetrics metrics;
        try (Tccl t = Tccl.use(Host.class.getClassLoader())) {
            plugins = new Plugins(pluginProps);
        }
        // Kafka's worker parses its config with the delegating loader as context loader, so converter
        // class names from plugin.path resolve; do the same.
        try (Tccl t = Tccl.use(plugins.delegatingLoader())) {
            WorkerConfig workerConfig = WorkerProps.config(worker);
            // There is no Kafka cluster id; the worker id stands in for the metrics context label.
            metrics = new ConnectMetrics(WORKER_ID, workerConfig, Time.SYSTEM, WORKER_ID);
        }

        ObjectNode ok = Json.object();
        ok.put("kafka_version", AppInfoParser.getVersion());
        ArrayNode list = ok.putArray("plugins");
        addAll(list, plugins.sourceConnectors());
        addAll(list, plugins.sinkConnectors());
        addAll(list, plugins.converters());
        addAll(list, plugins.headerConverters());
        addAll(list, plugins.transformations());
        addAll(list, plugins.predicates());
        ok.set("warnings", PluginPathCheck.warnings(pluginProps.get(WorkerConfig.PLUGIN_PATH_CONFIG), discovery, plugins));
        String answer = Json.ok(ok);
        instance = new Host(plugins, metrics, answer);
        return answer;
    }

    private static <T> void addAll(ArrayNode list, Set<PluginDesc<T>> descs) {
        for (PluginDesc<T> desc : descs) {
            ObjectNode node = list.addObject();
            node.put("class", desc.className());
            node.put("type", desc.typeName());
            node.put("version", desc.version());
            node.put("location", location(desc.location()));
        }
    }

    /**
     * Kafka names an isolated plugin's location by its URL ({@code file:/plugins/connect-file/}); the
     * protocol wants the directory or jar, so file URLs become paths. "classpath" stays as it is.
     */
    static String location(String kafkaLocation) {
        if (kafkaLocation != null && kafkaLocation.startsWith("file:")) {
            try {
                return Paths.get(new URI(kafkaLocation)).toString();
            } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
                return kafkaLocation;
            }
        }
        return kafkaLocation;
    }

    /**
     * The loader Kafka runs a plugin class under: its own PluginClassLoader when it came from
     * plugin.path, else the delegating loader (Kafka's {@code Plugins.safeLoaderSwapper} rule).
     */
    ClassLoader loaderOf(Class<?> pluginClass) {
        ClassLoader loader = pluginClass.getClassLoader();
        return loader instanceof PluginClassLoader ? loader : plugins.delegatingLoader();
    }

    /** The connector's loader, honouring an optional {@code connector.plugin.version} range as Kafka's Worker does. */
    ClassLoader connectorLoader(String connectorClass, String versionSpec) {
        try {
            return plugins.connectorLoader(connectorClass, PluginUtils.connectorVersionRequirement(versionSpec));
        } catch (InvalidVersionSpecificationException e) {
            throw new IllegalArgumentException("invalid connector.plugin.version \"" + versionSpec + "\" for "
                    + connectorClass + ": " + e.getMessage(), e);
        }
    }
}
