package io.connectgateway.bridge.testplugins;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A source connector for tests that need what FileStream cannot show: context events from another
 * thread, what the offset reader answers, and commitRecord/commit calls (see RecordingSourceTask).
 */
public class RecordingSourceConnector extends SourceConnector {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        // Context events may come from any thread; the bridge queues them for Rust.
        Thread t = new Thread(() -> context().requestTaskReconfiguration(), "test-reconfigure");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (props.containsKey("raise")) {
            context().raiseError(new RuntimeException(props.get("raise")));
        }
        // Visible in the task config so the test can see what the connector's reader answered.
        Object seen = context().offsetStorageReader().offset(Map.of("p", "a"));
        this.props = new java.util.HashMap<>(props);
        this.props.put("seen.offset", String.valueOf(seen));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RecordingSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            out.add(props);
        }
        return out;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define("records", ConfigDef.Type.LIST, "", ConfigDef.Importance.HIGH,
                "topic:value pairs to produce once");
    }

    @Override
    public String version() {
        return "1.2.3-test";
    }
}
