package io.connectgateway.testplugins.faulty;

import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Collection;
import java.util.Map;

/** Throws from the first put that carries records when {@code fail.in=put}; otherwise drops them. */
public class FaultySinkTask extends SinkTask {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        Faults.failIf(props, "task-start");
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (!records.isEmpty()) {
            Faults.failIf(props, "put");
        }
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return "0.1.0-faulty";
    }
}
