package io.crux.ee.eval;

/**
 * Scores the output of one completed run of an {@link Evaluation}: how close it is to what the case
 * expects, from 0 to 1, and whether that passes. {@link Scorers} has the usual ones; a lambda is a
 * scorer too:
 *
 * <pre>{@code
 * Scorer<Report> cited = s -> s.output().sources().isEmpty() ? Score.fail("no sources") : Score.pass("cites sources");
 * }</pre>
 *
 * <p>A scorer is called only for runs that completed; a run that failed or suspended fails every
 * scorer with the value 0. An exception thrown by a scorer fails that score, with the exception in
 * its explanation. Implementations may be called from one thread at a time per evaluation.
 *
 * @param <O> the output type
 */
@FunctionalInterface
public interface Scorer<O> {

    /**
     * @param subject the case, its output and the run
     * @return the score
     */
    Score score(Scored<O> subject);
}
