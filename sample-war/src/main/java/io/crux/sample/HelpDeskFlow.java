package io.crux.sample;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.api.Action;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;
import io.crux.ee.api.TypedState;

/**
 * A help desk conversation over the generic HTTP API: each question is a request in the user's
 * session; the answer streams word by word ({@code content.delta}); the session counts questions
 * and the user keeps a history across sessions, both typed ({@link DeskSession}, {@link DeskUser}). The answers come from a fixed rule table (a
 * model-backed answer arrives with the generator blocks).
 */
@ApplicationScoped
@FlowDefinition(value = "help-desk", requireUser = true)
@ScopeState(scope = Scope.SESSION, type = DeskSession.class)
public class HelpDeskFlow {

    private static final Map<String, String> ANSWERS = Map.of(
            "expense", "Submit the claim with POST /api/expenses; claims over 50 EUR wait for a manager's approval.",
            "password", "Use the self-service portal to reset your password; it takes about five minutes.",
            "holiday", "Book holidays in the HR system at least two weeks ahead.");

    private static final Duration WORD_PAUSE = Duration.ofMillis(60);

    /** The engine emits the question as the user's message before the first step ({@code userMessage}). */
    @Action(value = "ask", userMessage = "text")
    @ScopeState(scope = Scope.USER, type = DeskUser.class)
    public String ask(FlowScope<Question> flow) {
        String question = flow.input().text();
        String answer = flow.step("answer", () -> {
            flow.emit(Item.status("looking it up"));
            try (MessageStream message = flow.message("assistant")) {
                for (String word : answerFor(question).split(" ")) {
                    typing();
                    message.delta(message.text().isEmpty() ? word : " " + word);
                }
                return message.done().content().get("text").toString();
            }
        });
        flow.step("count", () -> {
            TypedState<DeskSession> session = flow.session(DeskSession.class);
            long asked = session.inc("questions", 1);
            session.set("lastTopic", topic(question));
            flow.user(DeskUser.class).push("topics", topic(question));
            return asked;
        });
        return answer;
    }

    /** What the browser may see of the state: a progress summary, never the raw documents. */
    @ClientData("progress")
    public Map<String, Object> progress(ClientData.Context state) {
        Object asked = state.session().getOrDefault("questions", 0);
        Object topics = state.user().getOrDefault("topics", java.util.List.of());
        return Map.of("questionsInSession", asked, "topicsAskedByUser", topics);
    }

    /**
     * Waits {@code sample.help-desk.word-pause} (default 60 ms) before each word, as a model streams
     * its tokens: the answer then visibly grows in the browser (the sample's pages, and the browser
     * tests that show tokens arrive before the request completes). {@code PT0S} answers at once.
     */
    private static void typing() {
        Duration pause = ConfigProvider.getConfig()
                .getOptionalValue("sample.help-desk.word-pause", Duration.class)
                .orElse(WORD_PAUSE);
        if (pause.isZero() || pause.isNegative()) {
            return;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled: the stream is closed as incomplete
            throw new IllegalStateException("interrupted while answering", e);
        }
    }

    private static String answerFor(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        return ANSWERS.entrySet().stream()
                .filter(e -> q.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("I do not know that yet; a colleague will answer by e-mail.");
    }

    private static String topic(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        return ANSWERS.keySet().stream().filter(q::contains).findFirst().orElse("other");
    }
}
