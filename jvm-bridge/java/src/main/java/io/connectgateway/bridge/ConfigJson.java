package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

import java.util.List;
import java.util.Map;

/**
 * ConfigDef keys and validation results as JSON (PROTOCOL.md {@code <key>} and validate's
 * {@code values}). Values are rendered with Kafka's {@link ConfigDef#convertToString}, as Kafka's REST
 * layer renders them, so Rust can build Kafka's validate response from them unchanged.
 */
final class ConfigJson {
    private ConfigJson() {
    }

    static ArrayNode keys(ConfigDef def) {
        ArrayNode out = Json.array();
        if (def == null) {
            return out;
        }
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            out.add(key(key));
        }
        return out;
    }

    static ObjectNode key(ConfigDef.ConfigKey key) {
        ObjectNode node = Json.object();
        node.put("name", key.name);
        node.put("type", key.type.name());
        boolean hasDefault = key.hasDefault();
        node.put("default", hasDefault ? render(key.defaultValue, key.type) : null);
        node.put("has_default", hasDefault);
        node.put("importance", key.importance == null ? null : key.importance.name());
        node.put("documentation", key.documentation);
        node.put("group", key.group);
        node.put("order_in_group", key.orderInGroup);
        node.put("width", key.width == null ? null : key.width.name());
        node.put("display_name", key.displayName);
        ArrayNode dependents = node.putArray("dependents");
        if (key.dependents != null) {
            key.dependents.forEach(dependents::add);
        }
        node.put("validator", key.validator == null ? null : key.validator.toString());
        return node;
    }

    /**
     * {@code connector.validate(props)} against {@code connector.config()}: one entry per ConfigValue,
     * typed by the key of the same name (untyped when the connector reports a value it does not define).
     */
    static ArrayNode values(Config config, ConfigDef def) {
        ArrayNode out = Json.array();
        Map<String, ConfigDef.ConfigKey> keys = def == null ? Map.of() : def.configKeys();
        for (ConfigValue value : config.configValues()) {
            ConfigDef.ConfigKey key = keys.get(value.name());
            ConfigDef.Type type = key == null ? null : key.type;
            ObjectNode node = Json.object();
            node.put("name", value.name());
            node.put("value", render(value.value(), type));
            ArrayNode recommended = node.putArray("recommended_values");
            List<Object> recommendedValues = value.recommendedValues();
            if (recommendedValues != null) {
                // Kafka renders a LIST key's recommendations one element at a time, as strings.
                ConfigDef.Type elementType = type == ConfigDef.Type.LIST ? ConfigDef.Type.STRING : type;
                for (Object o : recommendedValues) {
                    recommended.add(render(o, elementType));
                }
            }
            ArrayNode errors = node.putArray("errors");
            if (value.errorMessages() != null) {
                value.errorMessages().forEach(errors::add);
            }
            node.put("visible", value.visible());
            out.add(node);
        }
        return out;
    }

    /** Kafka's rendering; a value whose Java type does not match its key's type falls back to toString(). */
    private static String render(Object value, ConfigDef.Type type) {
        try {
            return ConfigDef.convertToString(value, type);
        } catch (RuntimeException e) {
            return String.valueOf(value);
        }
    }
}
