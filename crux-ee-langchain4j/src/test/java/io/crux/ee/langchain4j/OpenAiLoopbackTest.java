package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.Tool;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.langchain4j.LoopbackOpenAiServer.Answer;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * The real {@code langchain4j-open-ai} client, built by {@link ConfiguredModelRegistry} from
 * {@code crux.models.*} properties, running generators against an OpenAI-compatible server on
 * loopback: streaming, a tool round, structured output with a repair, and recovery from 429 and 500.
 * The generators run through the test kit, whose retry waits take no time.
 */
class OpenAiLoopbackTest {

    /** A tool the model calls. */
    public static class Weather {
        @Tool("Tells the weather in a city")
        public String weather(String city) {
            return "sunny in " + city;
        }
    }

    /** The structured answer. */
    public record Forecast(@NotBlank String city, @Positive int highCelsius) {}

    private LoopbackOpenAiServer server;
    private ModelRegistry models;

    @BeforeEach
    void setUp() throws Exception {
        server = LoopbackOpenAiServer.start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private void configure(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of(
                "crux.models.default.base-url", server.baseUrl(),
                "crux.models.default.model-name", "loopback-7b",
                "crux.models.default.api-key", "test-key",
                "crux.models.default.timeout", "PT10S"));
        props.putAll(extra);
        models = ConfiguredModelRegistry.of(props);
    }

    private <O> TestRun<O> run(Generator<String, O> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, models)
                .run();
    }

    @Test
    void streamedChunksArriveAsDeltasOfOneMessageItemWithReasoningBeforeIt() {
        configure(Map.of("crux.models.default.return-thinking", "true"));
        server.enqueue(Answer.text("Bonjour tout le monde").withReasoning("French greeting"));

        TestRun<String> run =
                run(Generator.<String>named("greet").prompt((q, ctx) -> q).streaming(), "Say hello in French");

        assertThat(run.output()).isEqualTo("Bonjour tout le monde");
        LoopbackOpenAiServer.Request request = server.requests().get(0);
        assertThat(request.streamed()).isTrue();
        assertThat(request.authorization()).isEqualTo("Bearer test-key");
        assertThat(request.body().getString("model")).isEqualTo("loopback-7b");
        assertThat(run.events())
                .filteredOn(e -> e.type().equals("content.delta"))
                .extracting(EventRecord::json)
                .hasSize(4)
                .first()
                .satisfies(d -> assertThat(d).contains("\"delta\":\"Bonjour \""));
        List<Item> items = run.items().list();
        assertThat(items).extracting(Item::type).containsExactly(Item.Type.REASONING, Item.Type.MESSAGE);
        assertThat(items.get(0).content()).containsEntry("text", "French greeting");
        assertThat(items.get(1).content()).containsEntry("text", "Bonjour tout le monde");
        assertThat(items.get(1).status()).isEqualTo(Item.Status.COMPLETED);
    }

    @Test
    void aStreamedToolCallRunsTheToolAndItsOutputGoesBackToTheModel() {
        configure(Map.of());
        server.enqueue(Answer.toolCall("weather", "{\"city\":\"Lyon\"}"), Answer.text("It is sunny in Lyon."));

        TestRun<String> run = run(
                Generator.<String>named("weather")
                        .prompt((q, ctx) -> q)
                        .streaming()
                        .tools(new Weather()),
                "Weather in Lyon?");

        assertThat(run.output()).isEqualTo("It is sunny in Lyon.");
        List<LoopbackOpenAiServer.Request> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)
                        .body()
                        .getJsonArray("tools")
                        .getJsonObject(0)
                        .getJsonObject("function")
                        .getString("name"))
                .isEqualTo("weather");
        List<JsonObject> sent = requests.get(1).body().getJsonArray("messages").getValuesAs(JsonObject.class);
        JsonObject toolMessage = sent.get(sent.size() - 1);
        assertThat(toolMessage.getString("role")).isEqualTo("tool");
        assertThat(toolMessage.getString("tool_call_id")).isEqualTo("call_weather");
        assertThat(toolMessage.getString("content")).isEqualTo("sunny in Lyon");
        assertThat(run.items().list())
                .extracting(Item::type)
                .containsExactly(Item.Type.TOOL_CALL, Item.Type.TOOL_OUTPUT, Item.Type.MESSAGE);
        assertThat(run.items().list().get(0).content()).containsEntry("arguments", Map.of("city", "Lyon"));
    }

    @Test
    void structuredOutputUsesTheJsonSchemaFormatAndIsRepaired() {
        configure(Map.of());
        server.enqueue(
                Answer.text("{\"city\":\"Lyon\",\"highCelsius\":-3}"),
                Answer.text("{\"city\":\"Lyon\",\"highCelsius\":24}"));

        TestRun<Forecast> run = run(
                Generator.<String>named("forecast").prompt((q, ctx) -> q).output(Forecast.class), "Forecast for Lyon");

        assertThat(run.output()).isEqualTo(new Forecast("Lyon", 24));
        JsonObject format = server.requests().get(0).body().getJsonObject("response_format");
        assertThat(format.getString("type")).isEqualTo("json_schema");
        assertThat(format.getJsonObject("json_schema").getString("name")).isEqualTo("Forecast");
        List<JsonObject> repair =
                server.requests().get(1).body().getJsonArray("messages").getValuesAs(JsonObject.class);
        assertThat(repair.get(repair.size() - 1).getString("content")).contains("highCelsius: must be greater than 0");
    }

    @Test
    void rateLimitAndServerErrorRecoverThroughTheStepRetryWithoutClientRetries() {
        configure(Map.of());
        server.enqueue(Answer.status(429), Answer.status(500), Answer.text("third time lucky"));
        Generator<String, String> answer = Generator.<String>named("answer")
                .prompt((q, ctx) -> q)
                .withOptions(StepOptions.<String>retry(3, Duration.ofMillis(5), Backoff.EXPONENTIAL));

        TestRun<String> run = run(answer, "hi");

        assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(run.output()).isEqualTo("third time lucky");
        assertThat(run.retryWaits())
                .as("each failed attempt waited for the step's backoff")
                .containsExactly(Duration.ofMillis(5), Duration.ofMillis(10));
        run.steps().succeeded("answer").attempts("answer", 3);
        assertThat(server.requests())
                .as("max-retries defaults to 0: one request per step attempt, none by the client")
                .hasSize(3);
    }

    @Test
    void streamingRecoversFrom429ThroughTheStepRetry() {
        configure(Map.of());
        server.enqueue(Answer.status(429), Answer.text("streamed after all"));
        Generator<String, String> answer = Generator.<String>named("answer")
                .prompt((q, ctx) -> q)
                .streaming()
                .withOptions(StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR));

        TestRun<String> run = run(answer, "hi");

        assertThat(run.output()).isEqualTo("streamed after all");
        run.steps().succeeded("answer").attempts("answer", 2);
        assertThat(server.requests())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.streamed()).isTrue());
        assertThat(run.items().list())
                .singleElement()
                .satisfies(i -> assertThat(i.content()).containsEntry("text", "streamed after all"));
    }

    @Test
    void maxRetriesLetsTheClientRetryA429WithinOneAttempt() {
        // LangChain4j's own retry waits about half a second before its first retry, holding the thread
        configure(Map.of("crux.models.default.max-retries", "1"));
        server.enqueue(Answer.status(429), Answer.text("retried by the client"));

        TestRun<String> run = run(Generator.<String>named("answer").prompt((q, ctx) -> q), "hi");

        assertThat(run.output()).isEqualTo("retried by the client");
        run.steps().attempts("answer", 1);
        assertThat(server.requests()).hasSize(2);
        assertThat(server.pending()).isZero();
    }
}
