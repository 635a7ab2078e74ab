package io.connectgateway.testplugins.faulty;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A source connector that fails where {@code fail.in} says (connector-start, task-constructor,
 * task-start, poll, block-poll, oom) and otherwise emits one record per task every poll.interval.ms.
 */
public class FaultySourceConnector extends SourceConnector {
    private Map<String, String> props;

    public FaultySourceConnector() {
        Faults.constructed(getClass());
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        Faults.failIf(props, "connector-start");
    }

    @Override
    public Class<? extends Task> taskClass() {
        return "task-constructor".equals(Faults.place(props)) ? UnconstructibleSourceTask.class : FaultySourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> config = new HashMap<>(props);
            config.put("task.index", String.valueOf(i));
            configs.add(config);
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
