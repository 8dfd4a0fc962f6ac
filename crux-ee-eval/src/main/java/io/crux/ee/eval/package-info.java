/**
 * Evaluations of crux-ee flows: {@link io.crux.ee.eval.Evaluation} runs a flow action or a block over
 * a {@link io.crux.ee.eval.DataSet} with the test kit, checks each run's steps, scores each output with
 * {@link io.crux.ee.eval.Scorers}, compares variants, writes reports and gates the build with
 * {@link io.crux.ee.eval.Gate}s. {@link io.crux.ee.eval.ProductionRuns} makes a data set of stored runs
 * (from the devtools API or a {@code FlowStore}) whose outcomes the reports show beside the new ones.
 * The artifact {@code crux-ee-eval} is added in {@code test} scope.
 */
package io.crux.ee.eval;
