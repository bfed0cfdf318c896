package dev.vectorcnn.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The library's one thread pool. Its size is the number of available processors (at most
 * {@value #MAX_THREADS}) unless the system property {@code vectorcnn.threads} or {@link #setThreads(int)}
 * says otherwise.
 *
 * <p>Kernels split their work into chunks whose boundaries depend only on the problem, never on the
 * thread count, and every chunk is computed by the same code wherever it runs; together with
 * reductions in a fixed order this makes every result bitwise identical for any number of threads.
 *
 * <p>Idle workers block on a queue (they park, never spin): the machines this runs on are shared,
 * and spinning workers are what makes native frameworks collapse when the host takes a core away.
 * Only a caller that has drained its share spins, for at most 50 us, while busy helpers finish.
 */
public final class KernelThreads {

    /** The system property that sets the initial number of threads. */
    public static final String THREADS_PROPERTY = "vectorcnn.threads";

    private static volatile Pool pool = new Pool(initialThreads());

    /** How long a caller that has drained its share spins for its helpers before it blocks. */
    private static final long CALLER_SPIN_NANOS = 50_000;

    /** Set while the calling thread drains a parallel region with the workers, so that nested regions run inline. */
    private static final ThreadLocal<Boolean> DRAINING = ThreadLocal.withInitial(() -> false);

    private KernelThreads() {
    }

    /**
     * The most threads a pool may have. Far above any core count this library is tuned for; it stops a
     * typo (100000) from starting thread after thread until the JVM runs out of memory.
     */
    public static final int MAX_THREADS = 1024;

    /**
     * {@value #THREADS_PROPERTY} when it holds a valid count, else the number of processors. A bad value
     * is reported and ignored rather than thrown: an exception here would fail this class's
     * initialisation, and every later use would then throw {@link NoClassDefFoundError} without the cause.
     */
    private static int initialThreads() {
        int processors = Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null) {
            return processors;
        }
        try {
            int threads = Integer.parseInt(value.trim());
            checkThreads(threads);
            return threads;
        } catch (IllegalArgumentException e) {
            System.getLogger("dev.vectorcnn.kernels").log(System.Logger.Level.WARNING,
                    "vectorcnn: ignoring -D" + THREADS_PROPERTY + "=" + value + " (it must be an integer from 1 to "
                            + MAX_THREADS + "); using " + processors + " threads");
            return processors;
        }
    }

    private static void checkThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be from 1 to " + MAX_THREADS + ", got " + threads);
        }
    }

    /**
     * The number of threads kernels use, the calling thread included.
     *
     * @return the current thread count, from 1 to {@link #MAX_THREADS}
     */
    public static int threads() {
        return pool.threads;
    }

    /**
     * Sets the number of threads kernels use, the calling thread included. Calls already running
     * finish on the old pool.
     *
     * @param threads the new thread count, the calling thread included, from 1 to {@link #MAX_THREADS}
     * @throws IllegalArgumentException if {@code threads} is not from 1 to {@link #MAX_THREADS}
     */
    public static synchronized void setThreads(int threads) {
        checkThreads(threads);
        if (threads != pool.threads) {
            Pool old = pool;
            pool = new Pool(threads);
            old.retire();
        }
    }

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, tasks)} on the library's threads, the
     * calling thread included, and returns when all are done; a task's exception is rethrown once every
     * task has stopped. Kernels that a task calls run on that task's thread, so independent tasks (a
     * model's training or inference passes) share the threads instead of splitting every kernel. Which thread runs a
     * task is not fixed, so a task's result must not depend on it.
     *
     * @param tasks the number of tasks; not negative (0 returns at once)
     * @param task  called once with each index in {@code [0, tasks)}, possibly on several threads at once
     * @throws IllegalArgumentException if {@code tasks} is negative
     * @throws NullPointerException     if {@code task} is null
     */
    public static void forEachTask(int tasks, IntConsumer task) {
        Checks.nonNegative("tasks", tasks);
        Checks.notNull("task", task);
        parallelFor(tasks, task);
    }

    /**
     * Runs {@code body.accept(chunk)} for every chunk in {@code [0, chunks)}, on the calling thread
     * and the pool's workers, and returns when all are done. Runs inline when there is one thread,
     * one chunk, or when called from inside another parallel region.
     */
    static void parallelFor(int chunks, IntConsumer body) {
        Pool current = pool;
        if (Math.min(current.threads, chunks) <= 1 || Thread.currentThread() instanceof Worker || DRAINING.get()) {
            for (int chunk = 0; chunk < chunks; chunk++) {
                body.accept(chunk);
            }
            return;
        }
        // A pool that setThreads has just retired takes no more calls; its successor is already in place.
        while (!current.enter()) {
            current = pool;
        }
        try {
            current.run(chunks, Math.min(current.threads, chunks) - 1, body);
        } finally {
            current.exit();
        }
    }

    /** Marks pool threads, so that nested parallel regions run inline instead of deadlocking. */
    private static final class Worker extends Thread {
        Worker(Runnable task, int index) {
            super(task, "vectorcnn-kernel-" + index);
            setDaemon(true);
        }
    }

    /**
     * A fixed set of worker threads. It is shut down only once it is retired and no call is inside it:
     * shutting an executor down while another thread submits to it left a submitted task that no
     * worker ever ran (a call then waited for it forever).
     */
    private static final class Pool {
        final int threads;
        private final ThreadPoolExecutor executor;
        /** Twice the number of calls inside, plus 1 once retired. */
        private final AtomicInteger state = new AtomicInteger();

        Pool(int threads) {
            this.threads = threads;
            AtomicInteger index = new AtomicInteger();
            this.executor = threads == 1 ? null
                    : new ThreadPoolExecutor(threads - 1, threads - 1, 0, TimeUnit.MILLISECONDS,
                            new LinkedBlockingQueue<>(), task -> new Worker(task, index.incrementAndGet()));
        }

        void run(int chunks, int helpers, IntConsumer body) {
            AtomicInteger next = new AtomicInteger();
            Runnable drain = () -> {
                try {
                    // chunk >= 0: past Integer.MAX_VALUE the counter wraps to negative indices.
                    for (int chunk; (chunk = next.getAndIncrement()) < chunks && chunk >= 0; ) {
                        body.accept(chunk);
                    }
                } catch (Throwable e) {
                    next.set(chunks); // the others take no new chunk: the call fails anyway
                    throw e;
                }
            };
            List<Future<?>> futures = new ArrayList<>(helpers);
            Throwable failure = null;
            DRAINING.set(true);
            try {
                for (int i = 0; i < helpers; i++) {
                    futures.add(executor.submit(drain));
                }
                drain.run();
            } catch (Throwable e) {
                // Any throwable, a checked one thrown sneakily included: the helpers are waited for below.
                failure = e;
                next.set(chunks);
            } finally {
                DRAINING.set(false);
            }
            // Wait for every helper that started, even when interrupted: returning early would let it
            // keep writing into the caller's arrays. One still queued has no chunk left to take, and is
            // dropped: it may be queued behind another caller's long tasks, or behind a task that waits
            // for this very call (a kernel started from a task through another executor), where waiting
            // for it would deadlock.
            boolean interrupted = false;
            for (Future<?> future : futures) {
                if (executor.remove((Runnable) future)) {
                    continue;
                }
                awaitBriefly(future);
                while (true) {
                    try {
                        future.get();
                        break;
                    } catch (ExecutionException e) {
                        if (failure == null) {
                            failure = e.getCause();
                        }
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
            if (failure != null) {
                throw new IllegalStateException("kernel worker failed", failure);
            }
        }

        /**
         * Spins for at most {@link #CALLER_SPIN_NANOS} while a helper finishes its last chunk: the helper is
         * busy, not idle, and blocking at once would add a park and an unpark, tens of microseconds on
         * these virtual machines, to every parallel region.
         */
        private static void awaitBriefly(Future<?> future) {
            long start = System.nanoTime();
            while (!future.isDone() && System.nanoTime() - start < CALLER_SPIN_NANOS) {
                Thread.onSpinWait();
            }
        }

        /** Admits a call, unless the pool is retired. */
        boolean enter() {
            for (int current = state.get(); (current & 1) == 0; current = state.get()) {
                if (state.compareAndSet(current, current + 2)) {
                    return true;
                }
            }
            return false;
        }

        /** A call leaves; the last one out of a retired pool shuts it down. */
        void exit() {
            if (state.addAndGet(-2) == 1) {
                shutdown();
            }
        }

        /** Takes no more calls, and shuts down now if none is inside. */
        void retire() {
            if (state.getAndUpdate(current -> current | 1) == 0) {
                shutdown();
            }
        }

        private void shutdown() {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }
}
