package io.connectgateway.bridge.testplugins;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** An SMT that throws a RetriableException on its first "failures" calls, then passes records through. */
public class FlakyTransformation<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final AtomicInteger CALLS = new AtomicInteger();
    private int failures;

    @Override
    public void configure(Map<String, ?> configs) {
        failures = Integer.parseInt(String.valueOf(configs.get("failures")));
    }

    @Override
    public R apply(R record) {
        if (CALLS.getAndIncrement() < failures) {
            throw new RetriableException("flaky, call " + CALLS.get());
        }
        return record;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef().define("failures", ConfigDef.Type.INT, 0, ConfigDef.Importance.LOW, "calls that fail");
    }

    @Override
    public void close() {
    }
}
