package dev.vectorcnn.kernels;

import static dev.vectorcnn.kernels.TestArrays.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link KernelThreads#forEachTask}: every task once, kernels nested in tasks, failures. */
class KernelThreadsTest {

    private final int originalThreads = KernelThreads.threads();

    @AfterEach
    void restoreThreads() {
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
