package io.connectgateway.bridge.testplugins;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Records what it is given, and exercises its context: a record whose value is "bad" goes to the
 * errant record reporter; "retry" makes put throw a RetriableException; "pause" pauses the record's
 * partition; "rewind" asks for offset 0 of it; open asks for a timeout and a commit.
 */
public class RecordingSinkTask extends SinkTask {
    public static final ConcurrentLinkedQueue<String> EVENTS = new ConcurrentLinkedQueue<>();

    @Override
    public void start(Map<String, String> props) {
        EVENTS.add("start");
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        EVENTS.add("open " + partitions + " assignment=" + context.assignment());
        context.timeout(250);
        context.requestCommit();
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord r : records) {
            Object v = r.value();
            if ("retry".equals(v)) {
                throw new RetriableException("try again later");
            }
            if ("bad".equals(v)) {
                context.errantRecordReporter().report(r, new IllegalArgumentException("bad record"));
                continue;
            }
            // The consumed partition, not the one an SMT may have routed the record to.
            TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
            if ("pause".equals(v)) {
                context.pause(tp);
            }
            if ("rewind".equals(v)) {
                context.offset(tp, 0L);
            }
            EVENTS.add("put " + r.topic() + "/" + r.kafkaPartition() + "@" + r.kafkaOffset() + " " + v
                    + " original=" + r.originalTopic() + "/" + r.originalKafkaPartition() + "@" + r.originalKafkaOffset()
                    + " headers=" + r.headers().size());
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        EVENTS.add("close " + partitions);
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
