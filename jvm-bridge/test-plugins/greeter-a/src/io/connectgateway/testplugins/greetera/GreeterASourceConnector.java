package io.connectgateway.testplugins.greetera;

import com.example.lib.Greeting;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;

/**
 * Emits, about every 200 ms, a record saying which {@code com.example.lib.Greeting} it sees and the
 * jar that class came from. This plugin bundles its own demo-lib.jar; so does another one, with a
 * different version of the same class: each must see its own (Kafka's PluginClassLoader isolation).
 */
public class GreeterASourceConnector extends SourceConnector {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return GreeterTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Where to write");
    }

    @Override
    public String version() {
        return Greeting.version();
    }

    /** The task: one record per poll, "greeter-a sees &lt;what Greeting says&gt; from &lt;jar&gt;". */
    public static class GreeterTask extends SourceTask {
        private String topic;
        private long n;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            Thread.sleep(200);
            String seen = "greeter-a sees " + Greeting.version() + " from "
                    + Greeting.class.getProtectionDomain().getCodeSource().getLocation().getPath();
            return List.of(new SourceRecord(Map.of(), Map.of(), topic, null, Schema.STRING_SCHEMA, seen + " #" + n++));
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return Greeting.version();
        }
    }
}
