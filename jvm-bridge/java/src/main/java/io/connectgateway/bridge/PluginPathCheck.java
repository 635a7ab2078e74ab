package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.PluginUtils;
import org.apache.kafka.connect.runtime.isolation.Plugins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * Says which plugin.path entries Kafka's scan could not use, and why. Kafka skips a jar that is not a
 * zip, or a location with no plugin in it, without a word (it logs "Loading plugin from" and moves on);
 * an operator who dropped a broken or wrong jar on plugin.path deserves a warning naming it.
 */
final class PluginPathCheck {
    private PluginPathCheck() {
    }

    /**
     * {@code [{"location": "<path>", "message": "…"}]} for every plugin location (a directory or archive
     * directly under a plugin.path entry, Kafka's {@link PluginUtils#pluginLocations} rule) that yielded
     * no plugin, and for every archive inside a location that is not a readable zip.
     */
    static ArrayNode warnings(String pluginPath, String discovery, Plugins plugins) {
        ArrayNode out = Json.array();
        if (pluginPath == null || pluginPath.isBlank()) {
            return out;
        }
        Set<Path> withPlugins = new HashSet<>();
        addLocations(withPlugins, plugins.sourceConnectors());
        addLocations(withPlugins, plugins.sinkConnectors());
        addLocations(withPlugins, plugins.converters());
        addLocations(withPlugins, plugins.headerConverters());
        addLocations(withPlugins, plugins.transformations());
        addLocations(withPlugins, plugins.predicates());
        addLocations(withPlugins, plugins.connectorClientConfigPolicies());

        // failFast=false: a missing plugin.path entry is Kafka's own logged error, not ours to throw.
        for (Path location : PluginUtils.pluginLocations(pluginPath, false)) {
            Path abs = location.toAbsolutePath().normalize();
            List<String> unreadable = unreadableArchives(abs);
            boolean found = withPlugins.contains(abs);
            if (!found) {
                String why = unreadable.isEmpty()
                        ? "no connector, converter, header converter, transformation, predicate or client config "
                                + "override policy found in it"
                                + ("service_load".equalsIgnoreCase(discovery)
                                        ? " (plugin.discovery=service_load finds only plugins with META-INF/services manifests)"
                                        : "")
                        : "not a readable jar: " + String.join("; ", unreadable);
                out.add(warning(abs, "skipped: " + why));
            } else if (!unreadable.isEmpty()) {
                out.add(warning(abs, "its plugins load, but these archives in it are not readable jars and are ignored: "
                        + String.join("; ", unreadable)));
            }
        }
        return out;
    }

    private static ObjectNode warning(Path location, String message) {
        ObjectNode node = Json.object();
        node.put("location", location.toString());
        node.put("message", message);
        return node;
    }

    private static <T> void addLocations(Set<Path> into, Set<PluginDesc<T>> descs) {
        for (PluginDesc<T> desc : descs) {
            String location = Host.location(desc.location());
            if (location == null || "classpath".equals(location)) {
                continue;
            }
            try {
                into.add(Paths.get(location).toAbsolutePath().normalize());
            } catch (InvalidPathException e) {
                // Not a path (an unusual URL): it cannot match a plugin.path location anyway.
            }
        }
    }

    /** "&lt;archive&gt;: &lt;why&gt;" for each jar/zip of the location that cannot be opened as a zip. */
    private static List<String> unreadableArchives(Path location) {
        List<String> out = new ArrayList<>();
        List<Path> archives;
        try {
            archives = Files.isDirectory(location) ? PluginUtils.pluginUrls(location) : List.of(location);
        } catch (IOException e) {
            out.add(location + ": cannot list it (" + e.getMessage() + ")");
            return out;
        }
        for (Path archive : archives) {
            if (!PluginUtils.isArchive(archive)) {
                continue;
            }
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                // opened: a readable zip
            } catch (IOException e) {
                out.add(archive + " (" + e.getMessage() + ")");
            }
        }
        return out;
    }
}
