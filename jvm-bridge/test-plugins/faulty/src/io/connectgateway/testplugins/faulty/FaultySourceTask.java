package io.connectgateway.testplugins.faulty;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;

/** Emits "&lt;connector&gt;-&lt;task.index&gt; &lt;n&gt;" records, or fails as configured. */
public class FaultySourceTask extends SourceTask {
    private Map<String, String> props;
    private String topic;
    private String prefix;
    private long intervalMs;
    private long next;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
        Faults.failIf(props, "task-start");
        topic = props.getOrDefault(Faults.TOPIC, "faulty");
        prefix = props.get("name") + "-" + props.getOrDefault("task.index", "0");
        intervalMs = Long.parseLong(props.getOrDefault(Faults.POLL_INTERVAL_MS, "100"));
        // Resumes after the last committed record, so a restarted task continues its sequence.
        Map<String, Object> stored = context.offsetStorageReader().offset(Map.of("task", prefix));
        Object last = stored == null ? null : stored.get("n");
        next = last instanceof Number ? ((Number) last).longValue() + 1 : 0;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        switch (Faults.place(props)) {
            case "poll":
                throw new IllegalStateException("faulty: deliberate failure in poll");
            case "block-poll":
                Faults.blockForever();
                return null;
            case "oom":
                Faults.exhaustHeap(Integer.parseInt(props.getOrDefault(Faults.OOM_CHUNK_MB, "16")));
                return null;
            default:
                Thread.sleep(intervalMs);
                long n = next++;
                return List.of(new SourceRecord(Map.of("task", prefix), Map.of("n", n), topic, null,
                        Schema.STRING_SCHEMA, prefix + " " + n));
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
