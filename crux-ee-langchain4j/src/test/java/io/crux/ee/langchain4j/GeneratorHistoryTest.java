package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;

import io.crux.ee.api.Action;
import io.crux.ee.api.Block;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.Item;
import io.crux.ee.api.Sessions;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * A generator with {@code history(...)}: the conversation the model receives is the session's stored
 * items in order (client and model items, internal ones left out), cut to a window by items or tokens
 * without splitting a tool call from its result, then the prompt.
 */
class GeneratorHistoryTest {

    private final ScriptedModel model = ScriptedModel.named("default");

    /** The session before the question: a first exchange with a tool round, a context item, noise. */
    private static final List<Item> EARLIER = List.of(
            Item.message("user", "Where is order A-17?"),
            Item.status("looking it up"),
            Item.toolCall("call-1", "orderStatus", Map.of("id", "A-17")),
            Item.toolOutput("call-1", "ships today").withContent(Map.of("callId", "call-1", "output", "ships today")),
            Item.message("assistant", "A-17 ships today."),
            Item.blockOutput("chat/seed", "operators only"),
            Item.message("assistant", "hidden from the model").withAudience(Item.Audience.INTERNAL),
            Item.context("The user is a premium customer."),
            Item.reasoning("thinking aloud"),
            Item.message("user", "And when does it arrive?"));

    /** Emits the earlier items in a step of their own (stored when it ends), then asks the generator. */
    private TestRun<String> run(Generator<String, String> generator, List<Item> earlier) {
        Handler<String, String> seed = Handler.of("seed", (question, ctx) -> {
            earlier.forEach(ctx::emit);
            return question;
        });
        Block<String, String> chat =
                Sequencer.named("chat", String.class).then(seed).then(generator).build();
        return CruxTest.testBlock(chat)
                .input("And when does it arrive?")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
    }

    private static Generator<String, String> answer() {
        return Generator.<String>named("answer").system("You track orders.");
    }

    @Test
    void theModelReceivesTheEarlierItemsInOrderWithoutInternalOnesAndThePromptOnce() {
        model.reply("Tomorrow.");

        TestRun<String> run = run(answer().history().prompt((q, ctx) -> q), EARLIER);

        assertThat(run.output()).isEqualTo("Tomorrow.");
        List<ChatMessage> sent = model.lastRequest().messages();
        assertThat(sent)
                .extracting(m -> m.type().name(), GeneratorHistoryTest::text)
                .containsExactly(
                        tuple(ChatMessageType.SYSTEM, "You track orders."),
                        tuple(ChatMessageType.USER, "Where is order A-17?"),
                        tuple(ChatMessageType.AI, "orderStatus {\"id\":\"A-17\"}"),
                        tuple(ChatMessageType.TOOL_EXECUTION_RESULT, "ships today"),
                        tuple(ChatMessageType.AI, "A-17 ships today."),
                        tuple(ChatMessageType.USER, "The user is a premium customer."),
                        tuple(ChatMessageType.USER, "And when does it arrive?"));
        ToolExecutionRequest call =
                ((AiMessage) sent.get(2)).toolExecutionRequests().get(0);
        assertThat(call.id())
                .isEqualTo(((ToolExecutionResultMessage) sent.get(3)).id())
                .isEqualTo("call-1");
    }

    @Test
    void withoutAPromptTheHistoryIsTheConversation() {
        model.reply("Tomorrow.");

        run(answer().history(), EARLIER);

        List<ChatMessage> sent = model.lastRequest().messages();
        assertThat(sent).hasSize(7);
        assertThat(((UserMessage) sent.get(6)).singleText()).isEqualTo("And when does it arrive?");
    }

    @Test
    void aCountWindowKeepsTheNewestItemsAndNeverSplitsAToolCallFromItsResult() {
        model.reply("Tomorrow.", "Tomorrow.");

        // the newest items that become messages: the question, the context, the answer (three); the
        // tool round (two items) would make five, so it is left out whole, with everything before it
        run(answer().history(History.lastItems(4)), EARLIER);
        assertThat(texts(model.lastRequest().messages()))
                .containsExactly(
                        "You track orders.",
                        "A-17 ships today.",
                        "The user is a premium customer.",
                        "And when does it arrive?");

        run(answer().history(History.lastItems(5)), EARLIER);
        assertThat(texts(model.lastRequest().messages()))
                .containsExactly(
                        "You track orders.",
                        "orderStatus {\"id\":\"A-17\"}",
                        "ships today",
                        "A-17 ships today.",
                        "The user is a premium customer.",
                        "And when does it arrive?");
    }

    @Test
    void aTokenWindowKeepsWhatFitsByCharactersOverFourOrByTheGivenEstimator() {
        model.reply("a", "b");
        // "And when does it arrive?" is 24 characters (6 tokens), the context 31 (8 tokens), the answer 17 (5)
        run(answer().history(History.tokens(14)), EARLIER);
        assertThat(texts(model.lastRequest().messages()))
                .containsExactly("You track orders.", "The user is a premium customer.", "And when does it arrive?");

        TokenCountEstimator onePerMessage = new TokenCountEstimator() {
            @Override
            public int estimateTokenCountInText(String text) {
                return 1;
            }

            @Override
            public int estimateTokenCountInMessage(ChatMessage message) {
                return 1;
            }

            @Override
            public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
                int n = 0;
                for (ChatMessage ignored : messages) {
                    n++;
                }
                return n;
            }
        };
        run(answer().history(History.tokens(2, onePerMessage)), EARLIER);
        assertThat(texts(model.lastRequest().messages()))
                .containsExactly("You track orders.", "The user is a premium customer.", "And when does it arrive?");
    }

    @Test
    void aToolCallWithoutItsResultIsLeftOut() {
        model.reply("ok");
        List<Item> earlier = new ArrayList<>(EARLIER.subList(0, 3)); // the call, not its output
        earlier.add(Item.message("user", "Hello?"));

        run(answer().history(), earlier);

        assertThat(model.lastRequest().messages())
                .extracting(ChatMessage::type)
                .containsExactly(ChatMessageType.SYSTEM, ChatMessageType.USER, ChatMessageType.USER);
    }

    @Test
    void anEmptyHistoryWithoutAPromptFailsTheStepWithAMessageId() {
        TestRun<String> run = run(answer().history(), List.of(Item.status("nothing for the model")));

        assertThat(run.failure()).isNotNull();
        assertThat(causes(run.failure())).contains("CRUX0221E");
        assertThat(model.requests()).isEmpty();
    }

    public record Question(String text) {}

    /** A one-shot chat: nothing of its session is stored. */
    @FlowDefinition(value = "one-shot", sessions = Sessions.EPHEMERAL)
    public static class OneShot {
        @Action(value = "ask", userMessage = "text")
        public Block<Question, String> ask() {
            Handler<Question, Question> note = Handler.of("note", (q, ctx) -> {
                ctx.emit(Item.context("The user is a premium customer."));
                return q;
            });
            return Sequencer.named("one-shot", Question.class)
                    .then(note)
                    .then(Generator.named("answer", Question.class)
                            .system("You track orders.")
                            .history())
                    .build();
        }
    }

    @Test
    void inAFlowWithEphemeralSessionsTheHistoryIsTheRunsOwnItems() {
        model.reply("Tomorrow.");

        TestRun<String> run = CruxTest.<Question, String>testFlow(new OneShot())
                .input(new Question("When does A-17 arrive?"))
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();

        assertThat(run.output()).isEqualTo("Tomorrow.");
        assertThat(model.lastRequest().messages())
                .extracting(m -> m.type().name(), GeneratorHistoryTest::text)
                .containsExactly(
                        tuple(ChatMessageType.SYSTEM, "You track orders."),
                        tuple(ChatMessageType.USER, "When does A-17 arrive?"),
                        tuple(ChatMessageType.USER, "The user is a premium customer."));
        assertThat(run.items().list()).as("nothing stored").isEmpty();
    }

    @Test
    void windowsRejectBoundsBelowOne() {
        assertThatThrownBy(() -> History.lastItems(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> History.tokens(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String causes(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            s.append(c.getMessage()).append('\n');
        }
        return s.toString();
    }

    private static org.assertj.core.groups.Tuple tuple(ChatMessageType type, String text) {
        return org.assertj.core.groups.Tuple.tuple(type.name(), text);
    }

    private static List<String> texts(List<ChatMessage> messages) {
        return messages.stream().map(GeneratorHistoryTest::text).toList();
    }

    private static String text(ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return s.text();
        }
        if (m instanceof UserMessage u) {
            return u.singleText();
        }
        if (m instanceof ToolExecutionResultMessage r) {
            return r.text();
        }
        AiMessage a = (AiMessage) m;
        return a.hasToolExecutionRequests()
                ? a.toolExecutionRequests().get(0).name() + " "
                        + a.toolExecutionRequests().get(0).arguments()
                : a.text();
    }
}
