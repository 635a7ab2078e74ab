package io.connectgateway.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON half of the protocol: parsing the control-call inputs and building the
 * {@code {"ok": …}} / {@code {"error": …}} envelopes. Uses the Jackson that Kafka Connect itself ships,
 * so the shim adds no JSON library of its own to the host class path.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /** Parses a control-call input; a null or blank input means "no fields" (Rust may send "" for {}). */
    static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return NODES.objectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                return NODES.objectNode();
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("input is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    static String ok(JsonNode payload) {
        ObjectNode envelope = NODES.objectNode();
        envelope.set("ok", payload == null ? NullNode.instance : payload);
        return write(envelope);
    }

    static String error(ObjectNode error) {
        ObjectNode envelope = NODES.objectNode();
        envelope.set("error", error);
        return write(envelope);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // Only trees we built are written here; this would be a bug in the shim.
            throw new IllegalStateException("cannot write JSON answer", e);
        }
    }

    static byte[] writeBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON answer", e);
        }
    }

    static String text(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field \"" + field + "\"");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a string, got " + v.getNodeType());
        }
        return v.textValue();
    }

    static String optText(JsonNode in, String field) {
        JsonNode v = in.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static long longValue(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an integer");
        }
        return v.longValue();
    }

    static int intValue(JsonNode in, String field) {
        long v = longValue(in, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field \"" + field + "\" is out of int range: " + v);
        }
        return (int) v;
    }

    /** An array field, or an empty array when absent or null. */
    static ArrayNode optArray(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return NODES.arrayNode();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an array");
        }
        return (ArrayNode) v;
    }

    /**
     * A Connect config map: every value a string. Scalars (numbers, booleans) are accepted as their
     * text, because a config map written by hand often has {"tasks.max": 1}; JSON null maps to a null
     * value (Kafka's maps allow it); objects and arrays are rejected.
     */
    static Map<String, String> stringMap(JsonNode in, String field, boolean required) {
        JsonNode v = in.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing field \"" + field + "\"");
            }
            return out;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode value = e.getValue();
            if (value.isNull()) {
                out.put(e.getKey(), null);
            } else if (value.isValueNode()) {
                out.put(e.getKey(), value.asText());
            } else {
                throw new IllegalArgumentException("\"" + field + "." + e.getKey() + "\" must be a string");
            }
        }
        return out;
    }

    static ObjectNode stringMapNode(Map<String, String> map) {
        ObjectNode node = NODES.objectNode();
        for (Map.Entry<String, String> e : map.entrySet()) {
            node.put(e.getKey(), e.getValue());
        }
        return node;
    }
}
