package io.connectgateway.bridge.testplugins;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/** A connector whose start always fails: the bridge must answer {"error": …} with the trace. */
public class FailingSourceConnector extends SourceConnector {
    public static final String MESSAGE = "deliberate failure in start";

    @Override
    public void start(Map<String, String> props) {
        throw new IllegalStateException(MESSAGE, new java.io.IOException("the cause"));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return RecordingSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of();
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "0.0.1-test";
    }
}
