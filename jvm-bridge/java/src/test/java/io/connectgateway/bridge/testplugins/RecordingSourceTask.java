package io.connectgateway.bridge.testplugins;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Produces the records of its "records" config once ("topic:value", comma-separated), with source
 * partition {"p": "a"} and offset {"i": <Integer index>} (an Integer on purpose: the offset store must
 * hand it back as a Long), a header "h" and a null timestamp; records every callback in {@link #EVENTS}.
 */
public class RecordingSourceTask extends SourceTask {
    public static final ConcurrentLinkedQueue<String> EVENTS = new ConcurrentLinkedQueue<>();
    private List<String> records;
    private boolean done;

    @Override
    public void start(Map<String, String> props) {
        records = new ArrayList<>();
        for (String r : props.getOrDefault("records", "").split(",")) {
            if (!r.isEmpty()) {
                records.add(r);
            }
        }
        EVENTS.add("start offset=" + context.offsetStorageReader().offset(Map.of("p", "a"))
                + " tccl=" + loaderName(Thread.currentThread().getContextClassLoader()));
    }

    private static String loaderName(ClassLoader loader) {
        return loader == null ? "null" : loader.getClass().getSimpleName();
    }

    @Override
    public List<SourceRecord> poll() {
        EVENTS.add("poll tccl=" + loaderName(Thread.currentThread().getContextClassLoader()));
        if (done) {
            return null;
        }
        done = true;
        List<SourceRecord> out = new ArrayList<>();
        int i = 0;
        for (String r : records) {
            String[] tv = r.split(":", 2);
            SourceRecord rec = new SourceRecord(Map.of("p", "a"), Map.of("i", i++), tv[0], null,
                    Schema.OPTIONAL_STRING_SCHEMA, "k", Schema.STRING_SCHEMA, tv[1], null);
            rec.headers().addString("h", "hv");
            out.add(rec);
        }
        return out;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        EVENTS.add("commitRecord " + record.topic() + ":" + record.value() + " " + (metadata == null ? "null"
                : metadata.topic() + "/" + metadata.partition() + "@" + metadata.offset() + " ts=" + metadata.timestamp()
                + " vsize=" + metadata.serializedValueSize()));
    }

    @Override
    public void commit() {
        EVENTS.add("commit offset=" + context.offsetStorageReader().offset(Map.of("p", "a")));
    }

    @Override
    public void stop() {
        EVENTS.add("stop");
    }

    @Override
    public String version() {
        return "1.2.3-test";
    }
}
