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
