package io.crux.it.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SseClient.Event;

/**
 * The sample's research assistant, built from blocks, in the server with no model configured: it
 * runs on the built-in scripted model (a CDI bean found by name), which says so, plans with
 * structured output, reads the library, calls the library tool and streams its answer.
 */
class ResearchScriptedIT {

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with(
            "cruxResearch", ResearchRequests.FLOWS, s -> s.deploy(Path.of(System.getProperty("sample.war"))));

    @Test
    @SuppressWarnings("unchecked")
    void aQuestionIsResearchedOnTheScriptedModelAndStreamed() {
        Map<String, Object> accepted = ResearchRequests.accept(SERVER.get(), "How do steps and state work?");
        List<Event> events = ResearchRequests.stream(SERVER.get(), accepted);

        Map<String, Object> report = ResearchRequests.output(SERVER.get(), events);
        assertThat(report).containsEntry("model", "scripted").containsEntry("topics", List.of("state", "steps"));
        assertThat((String) report.get("answer"))
                .startsWith("[scripted model")
                .contains("not a language model")
                .contains("checkpointed")
                .contains("I also looked up lookup: Handlers, generators, sequencers and routers compose");
        assertThat(ResearchRequests.done(events, "tool_call"))
                .singleElement()
                .satisfies(call -> assertThat(call.get("content").toString()).contains("lookup"));
        assertThat(ResearchRequests.done(events, "tool_output"))
                .singleElement()
                .satisfies(output ->
                        assertThat((Map<String, Object>) output.get("content")).containsEntry("error", false));
        assertThat(ResearchRequests.done(events, "status")).hasSize(2);
        assertThat(ResearchRequests.done(events, "message"))
                .singleElement()
                .satisfies(m -> assertThat(m.get("content").toString()).contains("[scripted model"));
        // the notes read are the session's sources; clients see their topics only
        var state =
                SERVER.get().get(ResearchRequests.FLOWS + "/research/sessions/" + accepted.get("sessionId") + "/state");
        assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
        assertThat(Json.object(state.body())).containsEntry("sources", List.of("state", "steps"));
        assertThat(state.body()).doesNotContain("checkpointed");
    }

    @Test
    void aRemarkIsRoutedToTheShortReply() {
        Map<String, Object> report = ResearchRequests.output(SERVER.get(), ResearchRequests.ask(SERVER.get(), "Hello"));

        assertThat(report).containsEntry("topics", List.of());
        assertThat((String) report.get("answer")).startsWith("[scripted model").contains("Ask me a question");
    }
}
