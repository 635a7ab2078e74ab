package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Source partitions and offsets as Kafka's offset store keeps them: JSON written and read by
 * {@link JsonConverter} with {@code schemas.enable=false}. Reading through the same converter is what
 * makes integers come back as {@code Long} and decimals as {@code Double}, the types connectors such
 * as FileStreamSourceTask check for.
 */
final class OffsetJson {
    private final JsonConverter converter = new JsonConverter();

    OffsetJson() {
        Map<String, Object> config = new HashMap<>();
        config.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false");
        converter.configure(config, false);
    }

    /** Map → JSON bytes (null → null), exactly the bytes Kafka's offset writer would store. */
    byte[] toBytes(Map<String, ?> map) {
        return converter.fromConnectData("", null, map);
    }

    /** JSON tree → map, with Kafka's types; JSON null → null. */
    Map<String, Object> toMap(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("source partitions and offsets must be JSON objects, got " + node);
        }
        return fromBytes(Json.writeBytes(node));
    }

    /**
     * A map given by a connector, normalised to what it reads back as from the offset store
     * (Integer → Long and so on), so that lookups compare like Kafka's byte-wise lookups do.
     */
    Map<String, Object> normalize(Map<String, ?> map) {
        return map == null ? null : fromBytes(toBytes(map));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> fromBytes(byte[] bytes) {
        SchemaAndValue value = converter.toConnectData("", bytes);
        Object v = value.value();
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + v.getClass().getSimpleName());
        }
        return (Map<String, Object>) v;
    }

    /**
     * Parses the protocol's {@code [{"partition": {…}, "offset": {…} | null}, …]} into an ordered map of
     * normalised partition → offset (null offset = reset, as Kafka's tombstone).
     */
    Map<Map<String, Object>, Map<String, Object>> entries(ArrayNode entries) {
        Map<Map<String, Object>, Map<String, Object>> out = new LinkedHashMap<>();
        for (JsonNode entry : entries) {
            if (!entry.isObject()) {
                throw new IllegalArgumentException("offset entries must be objects {\"partition\", \"offset\"}, got " + entry);
            }
            JsonNode partition = entry.get("partition");
            if (partition == null) {
                throw new IllegalArgumentException("offset entry without \"partition\": " + entry);
            }
            out.put(toMap(partition), toMap(entry.get("offset")));
        }
        return out;
    }
}
