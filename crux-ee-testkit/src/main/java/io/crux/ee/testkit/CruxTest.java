package io.crux.ee.testkit;

import java.util.Map;

import io.crux.ee.api.Block;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.catalog.Messages;
import io.crux.ee.cdi.FlowDefinitions;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.FlowModel;

/**
 * The entry points of the test kit: run a flow definition or a single block in a plain unit test,
 * with the same engine as in the server, in-memory stores, the services you give it (scripted models)
 * and no server.
 *
 * <pre>{@code
 * @Test
 * void answersFromTheSearch() {
 *     TestRun<Answer> run = CruxTest.<Question, Answer>testFlow(new ChatFlow(fakeIndex))
 *             .action("chat")
 *             .input(new Question("What is crux?"))
 *             .sessionState(Map.of("tone", "formal"))
 *             .service(ModelRegistry.class, ModelRegistry.of("gpt", ScriptedModel.named("gpt").reply("crux is ...")))
 *             .run();
 *
 *     run.assertCompleted()
 *        .steps().succeeded("plan", "search", "answer").inOrder("plan", "search", "answer")
 *        .and().session().has("questions", 1);
 * }
 * }</pre>
 *
 * <p>The kit is the artifact {@code crux-ee-testkit}, which a project adds in {@code test} scope. It
 * depends on no test framework: assertions throw {@link AssertionError}, which JUnit, TestNG and
 * AssertJ all report as a failure.
 *
 * <p>Stateless; each call prepares an independent test.
 */
public final class CruxTest {

    private CruxTest() {}

    /**
     * Prepares a run of a flow definition.
     *
     * @param definition an instance of a class annotated {@link FlowDefinition} (read exactly as the
     *     CDI extension reads it, with this instance serving every invocation), or a
     *     {@link FlowModel}
     * @param <I> the action's input type
     * @param <O> the action's output type
     * @return the test to configure and run
     * @throws IllegalArgumentException if the definition is unusable; the message lists every problem
     * @throws NullPointerException if {@code definition} is null
     */
    public static <I, O> FlowTest<I, O> testFlow(Object definition) {
        if (definition instanceof FlowModel model) {
            return new FlowTest<>(model);
        }
        Class<?> type = definition.getClass();
        FlowDefinitions.Result result = FlowDefinitions.read(type, FlowDefinitions.InstanceSource.of(() -> definition));
        if (result.model() == null) {
            throw new IllegalArgumentException(Messages.badTestDefinition(type.getName(), result.problems()));
        }
        return new FlowTest<>(result.model());
    }

    /**
     * Prepares a run of one block as a durable flow named after the block, with the single action
     * {@code run}. Its steps are labelled with paths that start with the block's name.
     *
     * @param block the block
     * @param <I> its input type
     * @param <O> its output type
     * @return the test to configure and run
     */
    public static <I, O> FlowTest<I, O> testBlock(Block<I, O> block) {
        FlowModel model = new FlowModel(
                block.name(),
                true,
                block.getClass(),
                Map.of(
                        "run",
                        new ActionModel(
                                "run", Object.class, Object.class, scope -> ActionModel.runBlock(scope, block))));
        return new FlowTest<>(model);
    }
}
