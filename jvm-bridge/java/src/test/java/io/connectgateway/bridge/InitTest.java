package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;

import io.connectgateway.bridge.testplugins.RecordingSourceConnector;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import static io.connectgateway.bridge.BridgeHarness.FILE_SINK;
import static io.connectgateway.bridge.BridgeHarness.FILE_SOURCE;
import static io.connectgateway.bridge.BridgeHarness.call;
import static io.connectgateway.bridge.BridgeHarness.error;
import static io.connectgateway.bridge.BridgeHarness.init;
import static io.connectgateway.bridge.BridgeHarness.obj;
import static io.connectgateway.bridge.BridgeHarness.ok;
import static io.connectgateway.bridge.BridgeHarness.pluginPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {
    private static Map<String, JsonNode> plugins() {
        Map<String, JsonNode> byClassAndType = new HashMap<>();
        for (JsonNode p : init().get("plugins")) {
            byClassAndType.put(p.get("class").asText() + "|" + p.get("type").asText(), p);
        }
        return byClassAndType;
    }

    /** The plugin's directory (Kafka's URL turned into a path). */
    private static Path location(JsonNode plugin) {
        return Paths.get(plugin.get("location").asText());
    }

    @Test
    void initListsTheFileConnectorsFromPluginPathWithTheirVersions() {
        JsonNode ok = init();
        assertEquals("4.3.1", ok.get("kafka_version").asText());
        assertEquals(0, ok.get("warnings").size(), "every plugin.path location yielded plugins: " + ok.get("warnings"));
        Map<String, JsonNode> plugins = plugins();
        Path dir = pluginPath().resolve("connect-file");

        JsonNode source = plugins.get(FILE_SOURCE + "|source");
        assertNotNull(source, "FileStreamSourceConnector listed as source: " + plugins.keySet());
        assertEquals("4.3.1", source.get("version").asText());
        assertEquals(dir, location(source), "isolated in its own plugin dir: " + source);

        JsonNode sink = plugins.get(FILE_SINK + "|sink");
        assertNotNull(sink, "FileStreamSinkConnector listed as sink");
        assertEquals("4.3.1", sink.get("version").asText());
        assertEquals(dir, location(sink));
    }

    @Test
    void initListsClassPathConvertersTransformationsAndPredicates() {
        Map<String, JsonNode> plugins = plugins();
        String[] expected = {
            "org.apache.kafka.connect.json.JsonConverter|converter",
            "org.apache.kafka.connect.storage.StringConverter|converter",
            "org.apache.kafka.connect.storage.StringConverter|header_converter",
            "org.apache.kafka.connect.storage.SimpleHeaderConverter|header_converter",
            "org.apache.kafka.connect.converters.ByteArrayConverter|converter",
            "org.apache.kafka.connect.transforms.InsertField$Value|transformation",
            "org.apache.kafka.connect.transforms.Filter|transformation",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches|predicate",
            RecordingSourceConnector.class.getName() + "|source",
        };
        for (String e : expected) {
            JsonNode p = plugins.get(e);
            assertNotNull(p, e + " missing from " + plugins.keySet());
            assertEquals("classpath", p.get("location").asText(), e);
        }
        assertEquals("4.3.1", plugins.get("org.apache.kafka.connect.transforms.Filter|transformation").get("version").asText());
    }

    @Test
    void aSecondInitAnswersFromTheFirst() {
        init();
        String first = call(() -> Bridge.init("{\"plugin_path\": [\"/nonexistent\"]}"));
        assertEquals(init(), ok(first));
    }

    @Test
    void pluginConfigDescribesAConnector() {
        init();
        JsonNode keys = ok(call(() -> Bridge.pluginConfig(obj().put("class", FILE_SOURCE).put("type", "source").toString())))
                .get("config_keys");
        Map<String, JsonNode> byName = new HashMap<>();
        keys.forEach(k -> byName.put(k.get("name").asText(), k));
        JsonNode topic = byName.get("topic");
        assertEquals("STRING", topic.get("type").asText());
        assertFalse(topic.get("has_default").asBoolean());
        assertTrue(topic.get("default").isNull());
        assertEquals("HIGH", topic.get("importance").asText());
        assertTrue(topic.get("validator").asText().contains("non-empty"), topic.toString());
        JsonNode batch = byName.get("batch.size");
        assertEquals("INT", batch.get("type").asText());
        assertEquals("2000", batch.get("default").asText());
        assertTrue(batch.get("has_default").asBoolean());
        assertEquals("NONE", batch.get("width").asText());
        assertEquals(-1, batch.get("order_in_group").asInt());
        assertTrue(batch.get("dependents").isArray());
    }

    @Test
    void pluginConfigDescribesConvertersAndTransformationsByAlias() {
        init();
        JsonNode json = ok(call(() -> Bridge.pluginConfig(
                obj().put("class", "org.apache.kafka.connect.json.JsonConverter").put("type", "converter").toString())));
        boolean schemasEnable = false;
        for (JsonNode k : json.get("config_keys")) {
            if (k.get("name").asText().equals("schemas.enable")) {
                schemasEnable = true;
                assertEquals("BOOLEAN", k.get("type").asText());
                assertEquals("true", k.get("default").asText());
            }
        }
        assertTrue(schemasEnable, json.toString());
        // Kafka's aliases resolve too.
        JsonNode filter = ok(call(() -> Bridge.pluginConfig(obj().put("class", "Filter").put("type", "transformation").toString())));
        assertTrue(filter.get("config_keys").isArray());
    }

    @Test
    void badInputAnswersErrorsAndNeverThrows() {
        init();
        JsonNode e = error(call(() -> Bridge.pluginConfig(
                obj().put("class", "org.apache.kafka.connect.json.JsonConverter").put("type", "source").toString())));
        assertTrue(e.get("message").asText().contains("not a source plugin"), e.toString());
        e = error(call(() -> Bridge.pluginConfig(obj().put("class", "no.such.Plugin").put("type", "converter").toString())));
        assertTrue(e.get("message").asText().contains("no.such.Plugin"), e.toString());
        e = error(call(() -> Bridge.connectorCreate("{not json")));
        assertTrue(e.get("message").asText().contains("not valid JSON"), e.toString());
        e = error(call(() -> Bridge.connectorCall(987654321L, "stop", "{}")));
        assertTrue(e.get("message").asText().contains("unknown handle 987654321"), e.toString());
        e = error(call(() -> Bridge.taskCall(987654321L, "stop", "{}")));
        assertFalse(e.get("retriable").asBoolean());
        e = error(call(() -> Bridge.sinkPut(987654321L, new byte[0])));
        BridgeHarness.Batch b = BridgeHarness.decode(call(() -> Bridge.sourcePoll(987654321L, null)));
        assertEquals(1, b.status);
        assertTrue(b.error.get("message").asText().contains("unknown handle"), b.error.toString());
    }
}
