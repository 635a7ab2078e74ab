package io.connectgateway.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The long → object registry behind the handles Rust holds. Rust keeps a plain integer rather than a
 * JNI global reference, so a wrong or released handle is a clear error here instead of a crash.
 * Handles are never reused within a JVM.
 */
final class Handles {
    private static final Map<Long, Object> OBJECTS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong(1);

    private Handles() {
    }

    static long register(Object object) {
        long handle = NEXT.getAndIncrement();
        OBJECTS.put(handle, object);
        return handle;
    }

    static <T> T get(long handle, Class<T> type) {
        Object object = OBJECTS.get(handle);
        if (object == null) {
            throw new IllegalArgumentException("unknown handle " + handle + " (never created, or released)");
        }
        if (!type.isInstance(object)) {
            throw new IllegalArgumentException("handle " + handle + " is a " + describe(object) + ", not a "
                    + describe(type));
        }
        return type.cast(object);
    }

    static void release(long handle) {
        OBJECTS.remove(handle);
    }

    private static String describe(Object object) {
        return describe(object.getClass());
    }

    private static String describe(Class<?> type) {
        if (ConnectorDriver.class.isAssignableFrom(type)) {
            return "connector";
        }
        if (SourceTaskDriver.class.isAssignableFrom(type)) {
            return "source task";
        }
        if (SinkTaskDriver.class.isAssignableFrom(type)) {
            return "sink task";
        }
        if (TaskDriver.class.isAssignableFrom(type)) {
            return "task";
        }
        return type.getSimpleName();
    }
}
