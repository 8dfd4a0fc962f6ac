package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.telemetry.OpenTelemetryFlowTracer;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** Each model call is a GenAI {@code chat <model>} span under the generator's step span. */
class GeneratorSpanTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    private final ScriptedModel model = ScriptedModel.named("default");

    /** A tool for the span of a tool call. */
    public static class Clock {
        @Tool("The time")
        public String now() {
            return "noon";
        }
    }

    @AfterEach
    void tearDown() {
        provider.close();
    }

    private TestRun<String> run(Generator<String, String> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .tracer(new OpenTelemetryFlowTracer(provider.get("test")))
                .run();
    }

    private static <T> T attr(SpanData span, AttributeKey<T> key) {
        return span.getAttributes().get(key);
    }

    @Test
    void modelCallsAndToolCallsAreSpansOfTheStepWithGenAiAttributes() {
        model.reply(
                Reply.toolCall("now", "{}").withUsage(12, 3),
                Reply.text("It is noon.").withUsage(20, 5));
        Generator<String, String> answer = Generator.<String>named("answer")
                .prompt((q, ctx) -> q)
                .tools(new Clock())
                .parameters(ChatRequestParameters.builder().temperature(0.2).build());

        run(answer, "What time is it?").assertOutput("It is noon.");

        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData step = spans.stream()
                .filter(s -> s.getName().equals("crux.step answer"))
                .findFirst()
                .orElseThrow();
        List<SpanData> chats =
                spans.stream().filter(s -> s.getName().startsWith("chat ")).toList();
        assertThat(chats).hasSize(2).allSatisfy(chat -> {
            assertThat(chat.getName()).isEqualTo("chat scripted:default");
            assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(chat.getParentSpanId()).isEqualTo(step.getSpanId());
            assertThat(chat.getTraceId()).isEqualTo(step.getTraceId());
            assertThat(attr(chat, AttributeKey.stringKey("gen_ai.operation.name")))
                    .isEqualTo("chat");
            assertThat(attr(chat, AttributeKey.stringKey("gen_ai.provider.name")))
                    .isEqualTo("other");
            assertThat(attr(chat, AttributeKey.stringKey("gen_ai.system"))).isEqualTo("other");
            assertThat(attr(chat, AttributeKey.stringKey("gen_ai.request.model")))
                    .isEqualTo("scripted:default");
            assertThat(attr(chat, AttributeKey.stringKey("gen_ai.response.model")))
                    .isEqualTo("scripted:default");
            assertThat(attr(chat, AttributeKey.doubleKey("gen_ai.request.temperature")))
                    .isEqualTo(0.2);
            assertThat(attr(chat, AttributeKey.stringKey("gen_ai.response.id"))).startsWith("scripted-");
        });
        assertThat(attr(chats.get(0), AttributeKey.longKey("gen_ai.usage.input_tokens")))
                .isEqualTo(12L);
        assertThat(attr(chats.get(0), AttributeKey.longKey("gen_ai.usage.output_tokens")))
                .isEqualTo(3L);
        assertThat(attr(chats.get(0), AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("tool_calls");
        assertThat(attr(chats.get(1), AttributeKey.longKey("gen_ai.usage.input_tokens")))
                .isEqualTo(20L);
        assertThat(attr(chats.get(1), AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("stop");

        SpanData tool = spans.stream()
                .filter(s -> s.getName().equals("execute_tool now"))
                .findFirst()
                .orElseThrow();
        assertThat(tool.getParentSpanId()).isEqualTo(step.getSpanId());
        assertThat(attr(tool, AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("now");
        assertThat(attr(tool, AttributeKey.stringKey("gen_ai.tool.call.id"))).startsWith("call-");
    }

    @Test
    void aFailedModelCallRecordsTheErrorType() {
        model.reply(Reply.error(new RateLimitException("429 slow down")));

        run(Generator.<String>named("answer").prompt((q, ctx) -> q), "hi").assertFailed(StepFailedException.class);

        SpanData chat = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("chat "))
                .findFirst()
                .orElseThrow();
        assertThat(attr(chat, AttributeKey.stringKey("error.type"))).isEqualTo(RateLimitException.class.getName());
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }
}
