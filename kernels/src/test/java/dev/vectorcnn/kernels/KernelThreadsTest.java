package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link KernelThreads#forEachTask}: every task once, kernels nested in tasks, failures. */
class KernelThreadsTest {

    private final int originalThreads = KernelThreads.threads();

    /** A fresh pool each time, so that workers a failing test left blocked (a deadlock it found) stall no other test. */
    @AfterEach
    void restoreThreads() {
        KernelThreads.setThreads(originalThreads == 1 ? 2 : 1);
        KernelThreads.setThreads(originalThreads);
    }

    @Test
    void runs_every_task_exactly_once_for_any_thread_count() {
        for (int threads : new int[] {1, 2, 3}) {
            KernelThreads.setThreads(threads);
            for (int tasks : new int[] {0, 1, 5, 100}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                KernelThreads.forEachTask(tasks, runs::incrementAndGet);
                for (int i = 0; i < tasks; i++) {
                    assertEquals(1, runs.get(i), "task " + i + " of " + tasks + ", " + threads + " threads");
                }
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void kernels_inside_tasks_finish_with_the_same_results() {
        KernelThreads.setThreads(2);
        // Large enough that GEMM splits it across threads when called on its own.
        int m = 240, n = 96, k = 200;
        SplittableRandom random = new SplittableRandom(5);
        float[] a = TestArrays.uniform(random, m * k);
        float[] b = TestArrays.uniform(random, k * n);
        float[] expected = new float[m * n];
        Gemm.multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        int tasks = 6;
        float[][] results = new float[tasks][m * n];
        KernelThreads.forEachTask(tasks, task -> Gemm.multiply(Transpose.NO, Transpose.NO, m, n, k, 1f, a, 0, k, b, 0,
                n, 0f, results[task], 0, n));
        for (int task = 0; task < tasks; task++) {
            TestArrays.assertBitwise(expected, results[task], m * n, "task " + task);
        }
    }

    @Test
    void a_failing_task_fails_the_call_after_the_others_stop() {
        KernelThreads.setThreads(2);
        IllegalStateException failure = new IllegalStateException("task 3 failed");
        AtomicIntegerArray runs = new AtomicIntegerArray(20);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> KernelThreads.forEachTask(20, task -> {
            runs.incrementAndGet(task);
            if (task == 3) {
                throw failure;
            }
        }));
        assertSame(failure, thrown);
        for (int i = 0; i < 20; i++) {
            assertEquals(true, runs.get(i) <= 1, "task " + i + " ran " + runs.get(i) + " times");
        }
    }

    /**
     * A task that hands a kernel to another executor and waits for it: the kernel's call queues a helper
     * behind the busy workers, and must not wait for one that never started (it deadlocked).
     */
    @Test
    void a_kernel_started_from_a_task_through_another_executor_finishes() throws Exception {
        KernelThreads.setThreads(2);
        int size = 192;
        SplittableRandom random = new SplittableRandom(9);
        float[] a = TestArrays.uniform(random, size * size);
        float[] expected = new float[size * size];
        Gemm.multiply(Transpose.NO, Transpose.NO, size, size, size, 1f, a, 0, size, a, 0, size, 0f, expected, 0, size);
        ExecutorService other = Executors.newFixedThreadPool(2, KernelThreadsTest::daemon);
        try {
            float[][] results = new float[2][size * size];
            finishesWithin(30, () -> KernelThreads.forEachTask(2, task -> {
                try {
                    other.submit(() -> Gemm.multiply(Transpose.NO, Transpose.NO, size, size, size, 1f, a, 0, size, a,
                            0, size, 0f, results[task], 0, size)).get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new AssertionError(e);
                }
            }));
            for (float[] result : results) {
                TestArrays.assertBitwise(expected, result, size * size, "the product computed through the executor");
            }
        } finally {
            other.shutdownNow();
        }
    }

    /** A small call does not wait for its helper to get past another caller's long tasks. */
    @Test
    void a_call_does_not_wait_behind_another_callers_tasks() throws Exception {
        KernelThreads.setThreads(2);
        CountDownLatch tasksRun = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Thread trainer = daemon(() -> KernelThreads.forEachTask(2, task -> {
            tasksRun.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        trainer.start();
        try {
            tasksRun.await();
            // The other call's two tasks hold both threads (the worker and that call's own thread) until
            // released; this call's helper queues behind them, and the call must finish without it.
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            finishesWithin(30, () -> KernelThreads.forEachTask(8, runs::incrementAndGet));
            for (int i = 0; i < 8; i++) {
                assertEquals(1, runs.get(i), "task " + i);
            }
        } finally {
            release.countDown();
            trainer.join();
        }
    }

    /**
     * Runs {@code body} on a daemon thread and fails if it has not returned within {@code seconds}: a
     * deadlocked call then fails the test instead of hanging the build, and its threads do not keep the
     * JVM alive.
     */
    private static void finishesWithin(int seconds, Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = daemon(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(seconds));
        assertTrue(!thread.isAlive(), "still running after " + seconds + " s: deadlocked");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body);
        thread.setDaemon(true);
        return thread;
    }

    /** A failure that is no RuntimeException or Error (a checked exception thrown sneakily) still waits for the helpers. */
    @Test
    void a_sneaky_checked_exception_returns_only_once_the_helpers_stopped() throws Exception {
        KernelThreads.setThreads(2);
        Thread caller = Thread.currentThread();
        AtomicInteger finished = new AtomicInteger();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> KernelThreads.forEachTask(40,
                task -> {
                    if (Thread.currentThread() == caller) {
                        throwSneakily(new java.io.IOException("checked, thrown sneakily"));
                    }
                    sleep(5);
                    finished.incrementAndGet();
                }));
        assertTrue(thrown.getCause() instanceof java.io.IOException, String.valueOf(thrown.getCause()));
        int atReturn = finished.get();
        sleep(100);
        assertEquals(atReturn, finished.get(), "tasks finished after forEachTask returned");
    }

    /** A task failing on a worker stops the others from taking new tasks, as one failing on the caller does. */
    @Test
    void a_failure_on_a_worker_stops_the_other_threads() {
        KernelThreads.setThreads(2);
        Thread caller = Thread.currentThread();
        AtomicInteger ran = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("a worker's task failed");
        assertSame(failure, assertThrows(IllegalStateException.class, () -> KernelThreads.forEachTask(200, task -> {
            if (Thread.currentThread() != caller) {
                throw failure;
            }
            ran.incrementAndGet();
            sleep(2);
        })));
        // The caller stops at its next task once the worker's first one has failed (without the stop it runs
        // 199; the margin allows the worker a start delayed by 300 ms on a loaded machine).
        assertTrue(ran.get() < 150, ran.get() + " of 200 tasks ran on the caller after the worker failed");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwSneakily(Throwable t) throws T {
        throw (T) t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void calls_running_while_the_thread_count_changes_cover_every_task_once() throws InterruptedException {
        KernelThreads.setThreads(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] callers = new Thread[3];
        for (int t = 0; t < callers.length; t++) {
            callers[t] = new Thread(() -> {
                try {
                    for (int call = 0; call < 6000; call++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(8);
                        KernelThreads.forEachTask(8, runs::incrementAndGet);
                        for (int i = 0; i < 8; i++) {
                            assertEquals(1, runs.get(i), "task " + i + " of call " + call);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            // A call that waits forever for a lost task must not keep the test JVM alive.
            callers[t].setDaemon(true);
            callers[t].start();
        }
        // Each switch retires the pool some calls have just taken. Shutting a pool down under a
        // submitting call once lost a task, and the call waited for it forever: fail instead of hanging.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int switches = 0; Arrays.stream(callers).anyMatch(Thread::isAlive); switches++) {
            KernelThreads.setThreads(2 + switches % 2);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("calls still running after 60 s: one waits for a task no thread runs");
            }
        }
        for (Thread caller : callers) {
            caller.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a call failed while the thread count changed", failure.get());
        }
    }

    @Test
    void rejects_bad_arguments_by_name() {
        assertMessage(IllegalArgumentException.class, "tasks must be >= 0, got -1",
                () -> KernelThreads.forEachTask(-1, task -> { }));
        assertMessage(NullPointerException.class, "task", () -> KernelThreads.forEachTask(3, null));
    }
}
