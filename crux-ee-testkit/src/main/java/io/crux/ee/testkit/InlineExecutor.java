package io.crux.ee.testkit;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An executor that runs every task on the thread that submits it, before {@code execute} returns.
 * The kit's runs use one by default, so a run, its parallel branches and its map items run one
 * after another in declaration order; tests that drive an engine themselves can use one to make a
 * run complete inside the call that started it.
 *
 * <p>{@link #shutdown()} makes it reject further tasks; as nothing runs in the background, it is
 * terminated at once. Thread-safe.
 */
public final class InlineExecutor extends AbstractExecutorService {

    private volatile boolean shutdown;

    /** Creates an executor that accepts tasks until it is shut down. */
    public InlineExecutor() {}

    /**
     * Runs the task on the calling thread.
     *
     * @param command the task
     * @throws RejectedExecutionException if this executor is shut down
     */
    @Override
    public void execute(Runnable command) {
        if (shutdown) {
            throw new RejectedExecutionException("the inline executor is shut down");
        }
        command.run();
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    /** @return an empty list: no task ever waits */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }
}
