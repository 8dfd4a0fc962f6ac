package io.crux.ee.eval;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.StepOptions;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.FlowTest;

/**
 * The flow the evaluation tests evaluate: plans, searches (failing as often as the question says,
 * with three attempts), answers (falling back when the question says so) and skips the search for a
 * greeting. The answer's style comes from the session state {@code style}, which variants set.
 */
@FlowDefinition("questions")
public class QuestionFlow {

    /**
     * @param text the question; "crash" fails the run, "hello" skips the search, "fallback" makes the answer fall back
     * @param searchFailures how many search attempts fail before one succeeds
     */
    public record Question(String text, int searchFailures) {}

    private final AtomicInteger searchCalls = new AtomicInteger();

    @Action("ask")
    public String ask(FlowScope<Question> flow) {
        Question q = flow.input();
        String style = flow.session().get("style", String.class).orElse("plain");
        flow.step("plan", () -> "plan " + q.text());
        if (q.text().contains("hello")) {
            return style.equals("loud") ? "HELLO!" : "hello";
        }
        String found = flow.step(
                "search",
                () -> {
                    if (searchCalls.incrementAndGet() <= q.searchFailures()) {
                        throw new IOException("search unavailable");
                    }
                    return "found " + q.text();
                },
                StepOptions.<String>retry(3, Duration.ofSeconds(1), Backoff.LINEAR));
        if (q.text().contains("crash")) {
            throw new IllegalStateException("the flow crashed on " + q.text());
        }
        return flow.step(
                "answer",
                () -> {
                    if (q.text().contains("fallback")) {
                        throw new IOException("model down");
                    }
                    String answer = "answer to " + q.text() + " (" + found + ")";
                    return style.equals("loud") ? answer.toUpperCase(java.util.Locale.ROOT) : answer;
                },
                StepOptions.<String>defaults().withFallback(e -> "sorry"));
    }

    /** @return a fresh test of this flow's {@code ask} action */
    static FlowTest<Question, String> test() {
        return CruxTest.<Question, String>testFlow(new QuestionFlow()).action("ask");
    }
}
