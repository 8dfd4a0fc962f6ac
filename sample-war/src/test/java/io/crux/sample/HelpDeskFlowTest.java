package io.crux.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** The help desk in a plain unit test: its typed session and user state. */
class HelpDeskFlowTest {

    private static TestRun<String> ask(String question, Map<String, ?> session) {
        return CruxTest.<Question, String>testFlow(new HelpDeskFlow())
                .action("ask")
                .session("desk-1")
                .user("alice")
                .sessionState(session)
                .input(new Question(question))
                .run();
    }

    @Test
    void aQuestionCountsInTheTypedSessionAndAddsItsTopicToTheUser() {
        TestRun<String> run = ask("How do I reset my password?", Map.of("questions", 2));

        run.assertCompleted().session().has("questions", 3).has("lastTopic", "password");
        assertThat(run.user().get("topics", List.class)).contains(List.of("password"));
        assertThat(run.output()).contains("self-service portal");
    }
}
