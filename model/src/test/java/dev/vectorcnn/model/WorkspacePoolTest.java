package dev.vectorcnn.model;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The inference workspace pool: reuse across calls, never one workspace for two callers. */
class WorkspacePoolTest {

    private static WorkspacePool pool() {
        List<Layer> layers = List.of(new Flatten(), new Dense(3));
        int[][] shapes = {{2, 2, 1}, {4}, {3}};
        return new WorkspacePool(layers, shapes, LocalPasses.of(layers, shapes, layers.size()));
    }

    @Test
    void a_returned_workspace_is_reused() {
        WorkspacePool pool = pool();
        Workspace first = pool.borrow(10);
        pool.giveBack(first);
        assertSame(first, pool.borrow(10));
        pool.giveBack(first);
        assertSame(first, pool.borrow(5), "a larger idle workspace serves a smaller batch");
    }

    @Test
    void concurrent_callers_never_share_a_workspace() {
        WorkspacePool pool = pool();
        Workspace first = pool.borrow(10);
        Workspace second = pool.borrow(10);
        assertNotSame(first, second);
    }

    /** More callers than idle places: the large workspace must outlive the small ones. */
    @Test
    void small_calls_take_the_smallest_fit_and_a_large_workspace_is_kept_over_a_small_one() {
        WorkspacePool pool = pool();
        int places = Runtime.getRuntime().availableProcessors();
        Workspace large = pool.borrow(50);
        pool.giveBack(large);
        Workspace[] small = new Workspace[places + 1];
        for (int i = 0; i < small.length; i++) {
            small[i] = pool.borrow(1);
        }
        // The first small call had to take the large workspace (nothing else was idle); it comes back last,
        // to a pool full of small ones, and must take the place of one of them.
        assertSame(large, small[0]);
        for (int i = small.length - 1; i >= 0; i--) {
            pool.giveBack(small[i]);
        }
        assertSame(large, pool.borrow(50));
        Workspace one = pool.borrow(1);
        assertTrue(one.capacity < 50, "the smallest idle workspace that fits");
    }

    @Test
    void an_idle_workspace_too_small_for_the_batch_is_not_used() {
        WorkspacePool pool = pool();
        Workspace small = pool.borrow(4);
        pool.giveBack(small);
        Workspace large = pool.borrow(8);
        assertNotSame(small, large);
        assertTrue(large.capacity >= 8);
    }
}
