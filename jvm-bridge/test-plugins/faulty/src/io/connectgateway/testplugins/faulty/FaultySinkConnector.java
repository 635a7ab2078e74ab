package io.connectgateway.testplugins.faulty;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A sink connector whose task fails where {@code fail.in} says (put, task-start) and otherwise drops records. */
public class FaultySinkConnector extends SinkConnector {
    private Map<String, String> props;

    public FaultySinkConnector() {
        Faults.constructed(getClass());
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        Faults.failIf(props, "connector-start");
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FaultySinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return Faults.CONFIG;
    }

    @Override
    public String version() {
        return "0.1.0-faulty";
    }
}
