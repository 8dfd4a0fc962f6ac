package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.event.RunCompleted;
import io.crux.ee.api.event.RunSuspended;

/** The kit records a run's lifecycle events and hands them to the test's listener too. */
class LifecycleEventsKitTest {

    /** Waits for a manager's answer, then completes with it. */
    @FlowDefinition("expense-approval")
    public static class ApprovalFlow {
        @Action("submit")
        public String submit(FlowScope<String> flow) {
            String answer = flow.suspend("manager", String.class);
            return flow.input() + " " + answer;
        }
    }

    @Test
    void runRecordsItsEventsAndTheListenerSeesThemAsWell() {
        List<FlowLifecycleEvent> heard = new CopyOnWriteArrayList<>();
        TestRun<String> suspended = CruxTest.<String, String>testFlow(new ApprovalFlow())
                .input("lunch")
                .lifecycle(heard::add)
                .run()
                .assertSuspended("manager");

        assertThat(suspended.lifecycleEvents())
                .map(e -> e.getClass().getSimpleName())
                .containsExactly("RunStarted", "RunSuspended");
        assertThat(((RunSuspended) suspended.lifecycleEvents().get(1)).name()).isEqualTo("manager");

        TestRun<String> done = suspended.signal("manager", "approved").assertCompleted();

        assertThat(done.lifecycleEvents())
                .map(e -> e.getClass().getSimpleName())
                .containsExactly("RunStarted", "RunSuspended", "RunResumed", "RunCompleted");
        RunCompleted completed = (RunCompleted) done.lifecycleEvents().get(3);
        assertThat(completed.flowName()).isEqualTo("expense-approval");
        assertThat(completed.action()).isEqualTo("submit");
        assertThat(completed.sessionId()).isEqualTo("test-session");
        assertThat(completed.output(String.class)).isEqualTo("lunch approved");
        assertThat(heard).isEqualTo(done.lifecycleEvents());
    }

    @Test
    void aThrowingListenerDoesNotChangeTheRun() {
        TestRun<String> run = CruxTest.<String, String>testFlow(new ApprovalFlow())
                .input("taxi")
                .lifecycle(e -> {
                    throw new IllegalStateException("broken observer");
                })
                .run();

        run.assertSuspended("manager").signal("manager", "ok").assertCompleted().assertOutput("taxi ok");
        assertThat(run.lifecycleEvents()).hasSize(4);
    }
}
