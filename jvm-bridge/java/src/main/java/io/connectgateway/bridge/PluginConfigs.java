package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.isolation.PluginType;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

import java.util.Locale;

/**
 * {@code pluginConfig}: the ConfigDef of any plugin Kafka's Plugins knows, from a throw-away instance
 * created under the plugin's own loader (what Kafka's {@code GET /connector-plugins/{plugin}/config}
 * does).
 */
final class PluginConfigs {
    private PluginConfigs() {
    }

    static ObjectNode configKeys(String className, String typeName) {
        Host host = Host.get();
        PluginType type = type(typeName);
        Class<?> klass;
        try {
            klass = host.plugins.pluginClass(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no plugin named " + className + " on plugin.path or the class path", e);
        }
        if (!type.superClass().isAssignableFrom(klass)) {
            throw new IllegalArgumentException(klass.getName() + " is not a " + typeName + " plugin (not a "
                    + type.superClass().getName() + ")");
        }
        ConfigDef def;
        try (Tccl t = Tccl.use(host.loaderOf(klass))) {
            Object plugin = Utils.newInstance(klass);
            try {
                def = configOf(plugin);
            } finally {
                if (plugin instanceof AutoCloseable && !(plugin instanceof Connector)) {
                    Utils.closeQuietly((AutoCloseable) plugin, klass.getName());
                }
            }
        }
        ObjectNode ok = Json.object();
        ok.set("config_keys", ConfigJson.keys(def));
        return ok;
    }

    private static ConfigDef configOf(Object plugin) {
        if (plugin instanceof Connector) {
            return ((Connector) plugin).config();
        }
        if (plugin instanceof Converter) {
            return ((Converter) plugin).config();
        }
        if (plugin instanceof HeaderConverter) {
            return ((HeaderConverter) plugin).config();
        }
        if (plugin instanceof Transformation) {
            return ((Transformation<?>) plugin).config();
        }
        if (plugin instanceof Predicate) {
            return ((Predicate<?>) plugin).config();
        }
        throw new IllegalArgumentException(plugin.getClass().getName() + " has no configuration this bridge can describe");
    }

    /** The protocol's type names are Kafka's PluginType names: source, sink, converter, header_converter, … */
    private static PluginType type(String name) {
        for (PluginType t : new PluginType[] {PluginType.SOURCE, PluginType.SINK, PluginType.CONVERTER,
                PluginType.HEADER_CONVERTER, PluginType.TRANSFORMATION, PluginType.PREDICATE}) {
            if (t.toString().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown plugin type \"" + name
                + "\" (source, sink, converter, header_converter, transformation, predicate)");
    }
}
