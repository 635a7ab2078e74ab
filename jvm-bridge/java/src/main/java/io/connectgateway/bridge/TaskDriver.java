package io.connectgateway.bridge;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@code taskCall} dispatches to: a source or a sink task handle. */
interface TaskDriver {
    /** The connector's loader: the context loader for every call into this task. */
    ClassLoader loader();

    /** The task's {@code version()}. */
    String version();

    /** One control op (PROTOCOL.md {@code taskCall}); returns the {@code ok} payload (null for JSON null). */
    JsonNode call(String op, JsonNode in) throws Exception;

    /** Closes converters, SMTs and metrics; the handle is forgotten by the caller. */
    void release();
}
