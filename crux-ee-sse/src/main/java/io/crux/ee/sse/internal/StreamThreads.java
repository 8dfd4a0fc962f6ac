package io.crux.ee.sse.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that write event streams: one per open stream, as many as there are open streams,
 * taken from the given factory (a {@code ManagedThreadFactory}) and kept for the next stream for a
 * minute after one ends, instead of a new thread per stream: a new thread starts with none of
 * the thread-local state that the server's transaction, persistence and JDBC layers build on
 * first use. The gain measured under 100 concurrent streams was within the noise of a shared
 * machine (BENCHMARKS.md, benchmark 4).
 */
public final class StreamThreads {

    private static final long KEEP_ALIVE_SECONDS = 60;

    private final ThreadPoolExecutor pool;

    /** @param factory makes the threads; a factory that returns {@code null} (the application stops) refuses the stream */
    public StreamThreads(ThreadFactory factory) {
        // no queue: a stream gets an idle thread or a new one at once, never waits for another stream to end
        this.pool = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
    }

    /**
     * @return stream threads from the factory that {@code crux.sse.thread-factory} names (default
     *     {@code java:comp/DefaultManagedThreadFactory}), looked up in JNDI
     * @throws IllegalStateException if the name is not bound
     */
    public static StreamThreads fromConfig() {
        String name = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("crux.sse.thread-factory", String.class)
                .orElse("java:comp/DefaultManagedThreadFactory");
        try {
            return new StreamThreads((ThreadFactory) new javax.naming.InitialContext().lookup(name));
        } catch (javax.naming.NamingException e) {
            throw new IllegalStateException(
                    "crux-ee needs the resource " + name
                            + " (set crux.sse.thread-factory to another JNDI name if your server binds it elsewhere)",
                    e);
        }
    }

    /**
     * Writes a stream on a thread of its own, named {@code name} while it writes.
     *
     * @return whether a thread took it; {@code false} when the factory gives no more threads or the pool is closed
     */
    public boolean start(String name, Runnable stream) {
        try {
            pool.execute(() -> {
                Thread self = Thread.currentThread();
                String idle = self.getName();
                self.setName(name);
                try {
                    stream.run();
                } finally {
                    self.setName(idle);
                }
            });
            return true;
        } catch (RejectedExecutionException noThread) { // also what a factory that returns no thread leads to
            return false;
        }
    }

    /** Lets idle threads go now; threads that write a stream end with it. */
    public void close() {
        pool.shutdown();
    }
}
