package io.crux.sample;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.Item;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;
import io.crux.ee.api.TypedState;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.langchain4j.Generator;
import io.crux.ee.langchain4j.History;

/**
 * A help desk conversation over the generic HTTP API: each question is a request in the user's
 * session. The engine emits the question as the user's message ({@code userMessage}), and a streaming
 * generator answers from the session's
 * stored items ({@code history(...)}: the earlier questions and answers, no hand-made history), so a
 * follow-up such as "how long does that take?" is answered in the context of the conversation. The
 * answer streams word by word ({@code content.delta}); a question the desk cannot answer opens a
 * ticket, a {@code component} item the page renders with a renderer of its own. The session counts
 * questions and the user keeps the topics across sessions, both typed ({@link DeskSession},
 * {@link DeskUser}). The model is {@link HelpDeskModel}, a rule
 * table standing in for a language model.
 */
@ApplicationScoped
@FlowDefinition(value = "help-desk", requireUser = true)
@ScopeState(scope = Scope.SESSION, type = DeskSession.class)
public class HelpDeskFlow {

    /** The newest items of the session the model sees: about ten exchanges. */
    static final History WINDOW = History.lastItems(20);

    @Action(value = "ask", userMessage = "text")
    @ScopeState(scope = Scope.USER, type = DeskUser.class)
    public Block<Question, String> ask() {
        Generator<Question, String> answer = Generator.named("answer", Question.class)
                .model(HelpDeskModel.NAME)
                .system("You answer employees' questions about expenses, passwords and holidays. Be brief.")
                .history(WINDOW) // the user's message, emitted before the body, is the history's last
                .streaming();
        Handler<String, String> count = Handler.of("count", (reply, ctx) -> {
            String topic = HelpDeskModel.topic(question(ctx).text()).orElse("other");
            TypedState<DeskSession> session = ctx.session(DeskSession.class);
            session.inc("questions", 1); // an integral key: checked
            session.set("lastTopic", topic); // a String of at most 40 characters
            ctx.state(Scope.USER, DeskUser.class).push("topics", topic); // a List<String>: the element is checked
            return reply;
        });
        return Sequencer.named("help-desk", Question.class)
                .then(inline("question", (q, ctx) -> {
                    ctx.emit(Item.status("looking it up"));
                    return q;
                }))
                .then(answer)
                .then(inline("ticket", (reply, ctx) -> {
                    if (HelpDeskModel.UNKNOWN.equals(reply)) {
                        ctx.emit(Item.component(
                                "ticket",
                                Map.of(
                                        "id",
                                        "T-" + ctx.scope().flowId().substring(0, 8),
                                        "subject",
                                        question(ctx).text(),
                                        "status",
                                        "open")));
                    }
                    return reply;
                }))
                .then(count)
                .build();
    }

    private static Question question(BlockContext ctx) {
        return (Question) ctx.scope().input();
    }

    /**
     * A block that runs in the flow's body, not as a step of its own: what it emits is recorded at its
     * place, so a replay does not emit it again.
     */
    private static <T> Block<T, T> inline(String name, Handler.Body<T, T> body) {
        return new Block<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public T execute(T input, BlockContext ctx) throws Exception {
                return body.apply(input, ctx);
            }

            @Override
            public boolean isLeaf() {
                return false;
            }
        };
    }

    /** What the browser may see of the state: a progress summary, never the raw documents. */
    @ClientData("progress")
    public Map<String, Object> progress(ClientData.Context state) {
        Object asked = state.session().getOrDefault("questions", 0);
        Object topics = state.user().getOrDefault("topics", List.of());
        return Map.of("questionsInSession", asked, "topicsAskedByUser", topics);
    }
}
