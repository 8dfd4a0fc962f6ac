package io.crux.it.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.ee.langchain4j.LoopbackOpenAiServer;
import io.crux.ee.langchain4j.LoopbackOpenAiServer.Answer;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SseClient.Event;

/**
 * The sample's research assistant with the MicroProfile Config keys {@code crux.models.research.*}
 * set (as environment variables of the server): crux-ee builds LangChain4j's OpenAI client and the
 * assistant talks to an OpenAI-compatible server, here one on loopback started by the test, which
 * first answers 429 (the step retry recovers), then plans twice (the focused and the broad planner
 * vote on the topics), then streams the answer.
 */
class ResearchConfiguredIT {

    private static final LoopbackOpenAiServer MODEL = start();

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with(
                    "cruxResearchLlm", ResearchRequests.FLOWS, s -> s.deploy(Path.of(System.getProperty("sample.war"))))
            .env(Map.of(
                    "CRUX_MODELS_RESEARCH_BASE_URL",
                    MODEL.baseUrl(),
                    "CRUX_MODELS_RESEARCH_MODEL_NAME",
                    "loopback-llm",
                    "CRUX_MODELS_RESEARCH_API_KEY",
                    "test-key"));

    private static LoopbackOpenAiServer start() {
        try {
            return LoopbackOpenAiServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopModel() {
        MODEL.close();
    }

    @Test
    void theConfiguredOpenAiCompatibleServerAnswersAfterARateLimit() {
        MODEL.enqueue(
                Answer.status(429),
                Answer.text("{\"topics\":[\"retry\"]}"),
                Answer.text("{\"topics\":[\"retry\"]}"),
                Answer.text("Retry waits without holding a thread.").withUsage(120, 9));

        List<Event> events = ResearchRequests.ask(SERVER.get(), "How does retry work?");

        Map<String, Object> report = ResearchRequests.output(SERVER.get(), events);
        assertThat(report)
                .containsEntry("model", "research")
                .containsEntry("topics", List.of("retry"))
                .containsEntry("answer", "Retry waits without holding a thread.");
        List<LoopbackOpenAiServer.Request> requests = MODEL.requests();
        assertThat(requests).hasSize(4).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/v1/chat/completions");
            assertThat(r.authorization()).isEqualTo("Bearer test-key");
            assertThat(r.body().getString("model")).isEqualTo("loopback-llm");
        });
        assertThat(requests.get(1).body().toString()).contains("Choose only the topics");
        assertThat(requests.get(2).body().toString()).contains("Add a topic");
        assertThat(requests.get(3).streamed()).isTrue();
        assertThat(requests.get(3).body().toString()).contains("Retry counts the first attempt");
        assertThat(ResearchRequests.done(events, "message"))
                .singleElement()
                .satisfies(m -> assertThat(m.get("content").toString()).contains("without holding a thread"));
    }
}
