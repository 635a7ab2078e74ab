package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.connect.errors.RetriableException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Turns a Throwable into the protocol's {@code <error>} object:
 * {@code {"class", "message", "trace", "retriable"}}. The trace is exactly what
 * {@link Throwable#printStackTrace()} prints, causes included, because that is what Kafka Connect shows
 * as a failed connector's or task's {@code trace} in its status.
 */
final class Errors {
    /**
     * Answers for the last resort: if even building an error answer fails (an OutOfMemoryError while
     * formatting a huge trace, say), these preallocated constants are returned instead so that nothing
     * escapes the JNI call.
     */
    static final String FALLBACK_JSON = "{\"error\":{\"class\":\"java.lang.Error\","
            + "\"message\":\"the JVM shim could not build an error answer (out of memory?)\","
            + "\"trace\":\"\",\"retriable\":false}}";
    private static final byte[] FALLBACK_ERROR_BYTES = ("{\"class\":\"java.lang.Error\","
            + "\"message\":\"the JVM shim could not build an error answer (out of memory?)\","
            + "\"trace\":\"\",\"retriable\":false}").getBytes(StandardCharsets.UTF_8);
    /** A whole {@code status = 1} batch around {@link #FALLBACK_ERROR_BYTES}, little-endian length. */
    static final byte[] FALLBACK_BATCH = fallbackBatch();

    private Errors() {
    }

    /** {@code retriable} follows the protocol: Connect's RetriableException and its subclasses. */
    static ObjectNode toJson(Throwable t) {
        return toJson(t, t instanceof RetriableException);
    }

    static ObjectNode toJson(Throwable t, boolean retriable) {
        ObjectNode node = Json.object();
        node.put("class", t.getClass().getName());
        node.put("message", t.getMessage());
        node.put("trace", trace(t));
        node.put("retriable", retriable);
        return node;
    }

    static String trace(Throwable t) {
        StringWriter out = new StringWriter(1024);
        try (PrintWriter writer = new PrintWriter(out)) {
            t.printStackTrace(writer);
        }
        return out.toString();
    }

    /** The control-call answer for a failure, never throwing. */
    static String answer(Throwable t) {
        try {
            return Json.error(toJson(t));
        } catch (Throwable again) {
            return FALLBACK_JSON;
        }
    }

    /** A {@code status = 1} poll answer for a failure, never throwing. */
    static byte[] batch(Throwable t) {
        try {
            return statusOne(Json.writeBytes(toJson(t)));
        } catch (Throwable again) {
            return FALLBACK_BATCH;
        }
    }

    private static byte[] fallbackBatch() {
        return statusOne(FALLBACK_ERROR_BYTES);
    }

    /** {@code u8 1} then {@code bytes error} (i32 little-endian length). */
    private static byte[] statusOne(byte[] err) {
        byte[] out = new byte[1 + 4 + err.length];
        out[0] = 1;
        int n = err.length;
        out[1] = (byte) n;
        out[2] = (byte) (n >>> 8);
        out[3] = (byte) (n >>> 16);
        out[4] = (byte) (n >>> 24);
        System.arraycopy(err, 0, out, 5, err.length);
        return out;
    }
}
