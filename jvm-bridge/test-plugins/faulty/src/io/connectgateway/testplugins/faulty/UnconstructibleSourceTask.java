package io.connectgateway.testplugins.faulty;

/** The task class of {@code fail.in=task-constructor}: its constructor always throws. */
public class UnconstructibleSourceTask extends FaultySourceTask {
    public UnconstructibleSourceTask() {
        throw new IllegalStateException("faulty: deliberate failure in the task constructor");
    }
}
