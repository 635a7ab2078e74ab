package io.connectgateway.bridge;

/**
 * Sets the thread context class loader for the duration of one bridge call and restores it after.
 *
 * <p>Kafka's own {@code Plugins.withClassLoader} cannot be the outermost swap here: it compares the
 * current loader with {@code current.equals(loader)}, and a thread attached through JNI starts with a
 * {@code null} context loader, so it would throw a NullPointerException. This swap tolerates null and
 * restores it exactly; inside the call the loader is never null, so Kafka's nested swaps (in
 * TransformationStage, Plugins.newConverter, …) work as they do in Kafka's worker.
 */
final class Tccl implements AutoCloseable {
    private final Thread thread;
    private final ClassLoader saved;

    private Tccl(Thread thread, ClassLoader saved) {
        this.thread = thread;
        this.saved = saved;
    }

    static Tccl use(ClassLoader loader) {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        return new Tccl(thread, saved);
    }

    @Override
    public void close() {
        thread.setContextClassLoader(saved);
    }
}
