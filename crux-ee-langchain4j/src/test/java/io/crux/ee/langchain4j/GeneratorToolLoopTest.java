package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.ToolExecutionResultMessage;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.api.exception.ToolRoundsExceededException;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** The tool loop: tool calls run {@code @Tool} methods, their results go back to the model, rounds are bounded. */
class GeneratorToolLoopTest {

    /** Tools as an application bean would declare them. */
    public static class OrderTools {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool("Looks up the status of an order")
        public String orderStatus(@P("the order id") String id) {
            calls.add("orderStatus " + id);
            return "order " + id + " ships today";
        }

        @Tool("Adds two numbers")
        public int add(int a, int b) {
            calls.add("add " + a + " " + b);
            return a + b;
        }

        @Tool("Cancels an order")
        public String cancel(String id) {
            calls.add("cancel " + id);
            throw new IllegalStateException("order " + id + " has already shipped");
        }

        @Tool("Deletes everything")
        public String wipe() {
            throw new GuardrailBlockedException("wiping is never allowed");
        }
    }

    /** What a CDI client proxy looks like: a subclass whose overrides carry no annotations. */
    public static class OrderToolsProxy extends OrderTools {
        @Override
        public String orderStatus(String id) {
            return super.orderStatus(id).toUpperCase();
        }
    }

    private final ScriptedModel model = ScriptedModel.named("default");
    private final OrderTools tools = new OrderTools();

    private Generator<String, String> generator(Object toolBean) {
        return Generator.<String>named("support").prompt((q, ctx) -> q).tools(toolBean);
    }

    private TestRun<String> run(Generator<String, String> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
    }

    @Test
    void toolCallsRunAndTheirResultsGoBackToTheModel() {
        model.reply(
                Reply.toolCall("orderStatus", "{\"id\":\"A-17\"}"),
                Reply.toolCall("add", "{\"a\":2,\"b\":3}"),
                Reply.text("A-17 ships today, and 2 + 3 = 5."));

        TestRun<String> run = run(generator(tools), "Where is A-17?");

        assertThat(run.output()).isEqualTo("A-17 ships today, and 2 + 3 = 5.");
        run.steps().succeeded("support").attempts("support", 1).count(1);
        assertThat(tools.calls).containsExactly("orderStatus A-17", "add 2 3");
        assertThat(model.requests()).hasSize(3);
        assertThat(model.requests().get(0).toolSpecifications())
                .extracting(ToolSpecification::name)
                .containsExactlyInAnyOrder("orderStatus", "add", "cancel", "wipe");
        List<ChatMessage> last = model.lastRequest().messages();
        assertThat(last)
                .extracting(ChatMessage::type)
                .containsExactly(
                        ChatMessageType.USER,
                        ChatMessageType.AI,
                        ChatMessageType.TOOL_EXECUTION_RESULT,
                        ChatMessageType.AI,
                        ChatMessageType.TOOL_EXECUTION_RESULT);
        assertThat(((ToolExecutionResultMessage) last.get(2)).text()).isEqualTo("order A-17 ships today");
        assertThat(((ToolExecutionResultMessage) last.get(4)).text()).isEqualTo("5");

        List<Item> items = run.items().list();
        assertThat(items)
                .extracting(Item::type)
                .containsExactly(
                        Item.Type.TOOL_CALL,
                        Item.Type.TOOL_OUTPUT,
                        Item.Type.TOOL_CALL,
                        Item.Type.TOOL_OUTPUT,
                        Item.Type.MESSAGE);
        assertThat(items.get(0).content())
                .containsEntry("name", "orderStatus")
                .containsEntry("arguments", Map.of("id", "A-17"));
        assertThat(items.get(1).content())
                .containsEntry("callId", items.get(0).content().get("callId"))
                .containsEntry("output", "order A-17 ships today")
                .containsEntry("error", false);
        assertThat(items.get(2).content().get("arguments"))
                .isEqualTo(Map.of("a", new BigDecimal(2), "b", new BigDecimal(3)));
    }

    @Test
    void aToolFailureAndAnUnknownToolGoBackToTheModelAsErrors() {
        model.reply(
                Reply.toolCall("cancel", "{\"id\":\"A-17\"}"),
                Reply.toolCall("refund", "{}"),
                Reply.text("Sorry, I cannot cancel it."));

        TestRun<String> run = run(generator(tools), "Cancel A-17");

        assertThat(run.output()).isEqualTo("Sorry, I cannot cancel it.");
        List<ChatMessage> last = model.lastRequest().messages();
        ToolExecutionResultMessage failed = (ToolExecutionResultMessage) last.get(2);
        assertThat(failed.isError()).isTrue();
        assertThat(failed.text()).contains("order A-17 has already shipped");
        ToolExecutionResultMessage unknown = (ToolExecutionResultMessage) last.get(4);
        assertThat(unknown.isError()).isTrue();
        assertThat(unknown.text()).contains("There is no tool named 'refund'");
        assertThat(run.items().list())
                .filteredOn(i -> i.type() == Item.Type.TOOL_OUTPUT)
                .allSatisfy(i -> assertThat(i.content()).containsEntry("error", true));
    }

    @Test
    void aPolicyTerminalToolFailureEndsTheStep() {
        model.reply(Reply.toolCall("wipe", "{}"));

        TestRun<String> run = run(generator(tools), "wipe it all");

        run.steps().failed("support").attempts("support", 1);
        assertThat(run.failure()).isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.messageId()).isEqualTo("CRUX0011E");
            assertThat(e.getCause()).isInstanceOf(GuardrailBlockedException.class);
        });
    }

    @Test
    void theToolLoopIsBounded() {
        model.when(r -> true).reply(Reply.toolCall("add", "{\"a\":1,\"b\":1}"));

        TestRun<String> run = run(
                generator(tools)
                        .maxToolRounds(3)
                        .withOptions(StepOptions.retry(3, java.time.Duration.ofSeconds(1), Backoff.LINEAR)),
                "loop forever");

        // policy-terminal: another attempt would run every tool round again
        run.steps().failed("support").attempts("support", 1);
        assertThat(run.retryWaits()).isEmpty();
        assertThat(run.failure())
                .isInstanceOf(StepFailedException.class)
                .cause()
                .isInstanceOf(ToolRoundsExceededException.class)
                .hasMessageStartingWith("CRUX0083E: The generator 'support' stopped after 3 tool round(s)");
        assertThat(((ToolRoundsExceededException) run.failure().getCause()).rounds())
                .isEqualTo(3);
        assertThat(tools.calls).hasSize(3);
        assertThat(model.requests()).hasSize(4);
    }

    @Test
    void toolsOfAProxySubclassAreFoundOnTheBeanClassAndInvokedThroughTheProxy() {
        model.reply(Reply.toolCall("orderStatus", "{\"id\":\"B-2\"}"), Reply.text("done"));
        OrderToolsProxy proxy = new OrderToolsProxy();

        run(generator(proxy), "status of B-2").assertCompleted();

        assertThat(((ToolExecutionResultMessage) model.lastRequest().messages().get(2)).text())
                .isEqualTo("ORDER B-2 SHIPS TODAY");
    }

    @Test
    void aProxyThatCopiesTheAnnotationButLostTheParameterNamesIsDescribedByTheBeanClass(@TempDir Path dir)
            throws Exception {
        // a generated proxy: the same annotation on the override, compiled without -parameters
        String source = "package io.crux.ee.langchain4j;\npublic class AnnotatedProxy extends "
                + OrderTools.class.getCanonicalName() + " {\n"
                + "  @dev.langchain4j.agent.tool.Tool(\"Looks up the status of an order\")\n"
                + "  @Override public String orderStatus(String id) { return super.orderStatus(id) + \" (proxied)\"; }\n"
                + "}\n";
        Files.writeString(dir.resolve("AnnotatedProxy.java"), source);
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        dir.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        dir.resolve("AnnotatedProxy.java").toString());
        assertThat(compiled).isZero();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> proxyType = loader.loadClass("io.crux.ee.langchain4j.AnnotatedProxy");
            assertThat(proxyType
                            .getMethod("orderStatus", String.class)
                            .getParameters()[0]
                            .isNamePresent())
                    .isFalse();
            Object proxy = proxyType.getConstructor().newInstance();
            model.reply(Reply.toolCall("orderStatus", "{\"id\":\"C-3\"}"), Reply.text("done"));

            run(generator(proxy), "status of C-3").assertCompleted();

            assertThat(model.requests().get(0).toolSpecifications())
                    .filteredOn(t -> t.name().equals("orderStatus"))
                    .singleElement()
                    .satisfies(t -> assertThat(t.parameters().properties()).containsOnlyKeys("id"));
            assertThat(((ToolExecutionResultMessage)
                                    model.lastRequest().messages().get(2))
                            .text())
                    .isEqualTo("order C-3 ships today (proxied)");
        }
    }

    @Test
    void anObjectWithoutToolsIsRejectedWhenTheGeneratorIsBuilt() {
        assertThatThrownBy(() -> generator("not a tool bean"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0087E")
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> Generator.named("g").tools(tools, new OrderTools()))
                .hasMessageStartingWith("CRUX0087E")
                .hasMessageContaining("is used twice");
    }
}
