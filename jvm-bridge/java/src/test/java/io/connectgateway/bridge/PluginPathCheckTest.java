package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.connectgateway.bridge.BridgeHarness.init;
import static io.connectgateway.bridge.BridgeHarness.pluginPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginPathCheckTest {
    private static void zip(Path file, String entry) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(new byte[] {1, 2, 3});
            zip.closeEntry();
        }
    }

    /** Warnings by location, checked against the plugins the harness's init found. */
    private static Map<String, String> warnings(String pluginPath, String discovery) {
        init();
        Map<String, String> byLocation = new HashMap<>();
        for (JsonNode w : PluginPathCheck.warnings(pluginPath, discovery, Host.get().plugins)) {
            byLocation.put(w.get("location").asText(), w.get("message").asText());
        }
        return byLocation;
    }

    @Test
    void corruptJarsAndLocationsWithoutPluginsAreNamed(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("corrupt.jar"), new byte[] {0x13, 0x37, 0x42, 0x00, 0x7f});
        zip(dir.resolve("not-a-plugin.jar"), "com/example/Util.class");
        Files.writeString(dir.resolve("notes.txt"), "neither a directory nor an archive: not a plugin location");
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        zip(mixed.resolve("good.jar"), "com/example/Good.class");
        Files.write(mixed.resolve("broken.jar"), new byte[] {1, 2, 3});

        Map<String, String> w = warnings(dir.toString(), null);
        assertEquals(3, w.size(), w.toString());
        String corrupt = w.get(dir.resolve("corrupt.jar").toString());
        assertTrue(corrupt.startsWith("skipped: not a readable jar: ") && corrupt.contains("corrupt.jar ("), corrupt);
        String empty = w.get(dir.resolve("not-a-plugin.jar").toString());
        assertTrue(empty.startsWith("skipped: no connector, converter"), empty);
        assertFalse(empty.contains("service_load"), empty);
        String broken = w.get(mixed.toString());
        assertTrue(broken.contains("broken.jar") && !broken.contains("good.jar"), broken);

        assertTrue(warnings(dir.toString(), "service_load").get(dir.resolve("not-a-plugin.jar").toString())
                .contains("META-INF/services"));
    }

    @Test
    void aPluginPathWhosePluginsLoadedHasNoWarnings() {
        assertEquals(Map.of(), warnings(pluginPath().toString(), null));
        assertEquals(Map.of(), warnings(null, null));
    }
}
