package io.crux.ee.bench.dbos;

/** Section 7's flow for DBOS: its input is the number of steps; it returns it once they have all run. */
public interface ConcurrentWorkflow {

    /**
     * @param steps how many steps to run
     * @return {@code steps}
     */
    Integer run(Integer steps);
}
