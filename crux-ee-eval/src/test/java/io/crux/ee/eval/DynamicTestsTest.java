package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import io.crux.ee.eval.QuestionFlow.Question;

/** An evaluation runs as JUnit 5 dynamic tests: one per case and variant, then the gates. */
class DynamicTestsTest {

    /** Counts the flow's runs. */
    static final AtomicInteger RUNS = new AtomicInteger();

    /** What a project writes; run here through the JUnit Platform as Surefire runs it. */
    static class ResearchEvaluation {
        @TestFactory
        Stream<DynamicNode> research() {
            return Evaluation.of("dynamic", () -> {
                        RUNS.incrementAndGet();
                        return QuestionFlow.test();
                    })
                    .cases(DataSet.jsonl("evals/questions.jsonl", Question.class))
                    .expectSteps(StepExpectation.succeeded("plan"))
                    .scorer("exact", Scorers.equalsExpected())
                    .gate(Gate.passRate(0.6))
                    .dynamicTests();
        }
    }

    private record Outcome(String name, TestExecutionResult.Status status, String message) {}

    private static List<Outcome> runThroughTheLauncher(Class<?> testClass) {
        List<Outcome> outcomes = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(testClass))
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    outcomes.add(new Outcome(
                            id.getDisplayName(),
                            result.getStatus(),
                            result.getThrowable().map(Throwable::getMessage).orElse(null)));
                }
            }
        });
        return outcomes;
    }

    @Test
    void oneTestPerCaseThenTheGates() {
        RUNS.set(0);

        List<Outcome> outcomes = runThroughTheLauncher(ResearchEvaluation.class);

        assertThat(outcomes).extracting(Outcome::name).containsExactly("why", "retry", "line-4", "gates");
        assertThat(outcomes)
                .extracting(Outcome::status)
                .containsExactly(
                        TestExecutionResult.Status.SUCCESSFUL,
                        TestExecutionResult.Status.SUCCESSFUL,
                        TestExecutionResult.Status.ABORTED,
                        TestExecutionResult.Status.SUCCESSFUL);
        assertThat(outcomes.get(2).message())
                .as("the gate tolerates one failing case in three, so the case is aborted, not failed")
                .contains("within what the gates allow")
                .contains("exact 0.00: expected {\"greeting\":true,\"n\":2} but was \"hello\"");
        assertThat(RUNS).as("the evaluation ran once for all its tests").hasValue(3);
    }

    /** The same evaluation with a gate that its failing case breaks. */
    static class StrictEvaluation {
        @TestFactory
        Stream<DynamicNode> research() {
            return Evaluation.of("strict", QuestionFlow::test)
                    .cases(DataSet.jsonl("evals/questions.jsonl", Question.class))
                    .scorer("exact", Scorers.equalsExpected())
                    .gate(Gate.passRate(0.9))
                    .reportsTo(null)
                    .dynamicTests();
        }
    }

    @Test
    void whenAGateFailsTheFailingCasesFailToo() {
        List<Outcome> outcomes = runThroughTheLauncher(StrictEvaluation.class);

        assertThat(outcomes)
                .extracting(Outcome::status)
                .containsExactly(
                        TestExecutionResult.Status.SUCCESSFUL,
                        TestExecutionResult.Status.SUCCESSFUL,
                        TestExecutionResult.Status.FAILED,
                        TestExecutionResult.Status.FAILED);
        assertThat(outcomes.get(3).message()).contains("CRUX0304E").contains("line-4: exact 0.00");
    }

    @Test
    void variantsAreContainersAndAFailedGateFailsTheGatesTest() {
        Evaluation<Question, String> evaluation = Evaluation.of("containers", QuestionFlow::test)
                .cases(DataSet.of(EvalCase.of("hello", new Question("hello", 0), "hello")))
                .variant("plain", t -> t.sessionState(Map.of("style", "plain")))
                .variant("loud", t -> t.sessionState(Map.of("style", "loud")))
                .scorer("exact", Scorers.equalsExpected())
                .reportsTo(null);

        List<DynamicNode> nodes = evaluation.dynamicTests().toList();

        assertThat(nodes).extracting(DynamicNode::getDisplayName).containsExactly("plain", "loud", "gates");
        DynamicContainer loud = (DynamicContainer) nodes.get(1);
        List<? extends DynamicNode> loudTests = loud.getChildren().toList();
        assertThat(loudTests).extracting(DynamicNode::getDisplayName).containsExactly("hello");
        DynamicContainer plain = (DynamicContainer) nodes.get(0);
        DynamicTest plainHello = (DynamicTest) plain.getChildren().toList().get(0);
        assertThat(plainHello.getExecutable()).isNotNull();
        assertThat(org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> {
                    plainHello.getExecutable().execute();
                    return true;
                }))
                .isTrue();
        assertThatThrownBy(
                        () -> ((DynamicTest) loudTests.get(0)).getExecutable().execute())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected \"hello\" but was \"HELLO!\"");
        assertThatThrownBy(() -> ((DynamicTest) nodes.get(2)).getExecutable().execute())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("FAILED pass rate >= 1.0 [loud]");
    }

    @Test
    void anEvaluationWithoutCasesIsRefused() {
        assertThatThrownBy(() -> Evaluation.of("empty", QuestionFlow::test).dynamicTests())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0307E");
    }
}
