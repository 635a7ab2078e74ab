package io.connectgateway.bridge;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.errors.Stage;
import org.apache.kafka.connect.runtime.errors.ToleranceType;

import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A task's {@code errors.*} policy for the per-record stages (transformations and converters), with
 * the semantics of Kafka's RetryWithToleranceOperator:
 * <ul>
 * <li>a Connect {@link RetriableException} is retried with exponential back-off starting at 300 ms,
 *     doubling, a random delay below {@code errors.retry.delay.max.ms} once the doubling passes it,
 *     until {@code errors.retry.timeout} (0 = no retry, -1 = for ever);</li>
 * <li>any other Exception, or a retriable one out of time, fails the record: with
 *     {@code errors.tolerance=all} the record is skipped, with {@code none} the task fails with
 *     "Tolerance exceeded in error handler";</li>
 * <li>Errors (not Exceptions) are never tolerated and propagate;</li>
 * <li>once a record failed a stage, its later stages are not run.</li>
 * </ul>
 * Kafka's operator itself is not reused: it needs Kafka's error metrics and reporters (the DLQ is
 * Rust's), and the bridge must know the failed stage and exception per record to answer Rust.
 */
final class ErrorPolicy {
    static final long RETRY_DELAY_MIN_MS = 300;

    private final long retryTimeoutMs;
    private final long maxDelayMs;
    private final ToleranceType tolerance;
    private long totalFailures;

    ErrorPolicy(long retryTimeoutMs, long maxDelayMs, ToleranceType tolerance) {
        this.retryTimeoutMs = retryTimeoutMs;
        this.maxDelayMs = maxDelayMs;
        this.tolerance = tolerance;
    }

    static ErrorPolicy of(ConnectorConfig config) {
        return new ErrorPolicy(config.errorRetryTimeout(), config.errorMaxDelayInMillis(), config.errorToleranceType());
    }

    ToleranceType tolerance() {
        return tolerance;
    }

    /** Where one record failed, if it did. */
    static final class RecordContext {
        Stage stage;
        Class<?> executingClass;
        Throwable error;

        boolean failed() {
            return error != null;
        }
    }

    /**
     * Runs one stage for one record. Returns its result, or null when the record failed the stage
     * under {@code errors.tolerance=all} (or had already failed an earlier stage).
     */
    <V> V execute(RecordContext context, Stage stage, Class<?> executingClass, Callable<V> operation) {
        if (context.failed()) {
            return null;
        }
        context.stage = stage;
        context.executingClass = executingClass;
        long deadline = retryTimeoutMs >= 0 ? System.currentTimeMillis() + retryTimeoutMs : Long.MAX_VALUE;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return operation.call();
            } catch (RetriableException e) {
                if (System.currentTimeMillis() < deadline && backoff(attempt, deadline)) {
                    continue;
                }
                return fail(context, e);
            } catch (Exception e) {
                return fail(context, e);
            }
        }
    }

    private <V> V fail(RecordContext context, Exception e) {
        totalFailures++;
        context.error = e;
        if (!withinTolerance()) {
            throw new ConnectException("Tolerance exceeded in error handler", e);
        }
        return null;
    }

    /**
     * A sink task reported a record through its ErrantRecordReporter: it counts as a failure, and under
     * {@code errors.tolerance=none} the report itself fails the task, as in Kafka.
     */
    void reportedFailure(Throwable error) {
        totalFailures++;
        if (!withinTolerance()) {
            throw new ConnectException("Tolerance exceeded in error handler", error);
        }
    }

    private boolean withinTolerance() {
        return tolerance == ToleranceType.ALL || totalFailures == 0;
    }

    /** Sleeps before the next attempt; false when interrupted (then the attempt counts as out of time). */
    private boolean backoff(int attempt, long deadline) {
        int shift = Math.min(attempt - 1, 30);
        long delay = RETRY_DELAY_MIN_MS << shift;
        if (delay > maxDelayMs) {
            delay = maxDelayMs > 0 ? ThreadLocalRandom.current().nextLong(maxDelayMs) : 0;
        }
        long now = System.currentTimeMillis();
        if (delay + now > deadline) {
            delay = Math.max(0, deadline - now);
        }
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
