package io.crux.it.cancel;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.it.support.Calls;

/** Suspensions and steps that block, for cancel and conflict scenarios. */
@ApplicationScoped
@FlowDefinition("it-cancel")
public class ApprovalFlow {

    @Inject
    Calls calls;

    @Inject
    Gates gates;

    /** Waits for the signal "go", then runs one more step. */
    @Action("approve")
    public String approve(FlowScope<String> flow) {
        flow.step("before", () -> calls.hit("before:" + flow.input()));
        String answer = flow.suspend("go", String.class);
        flow.step("after", () -> calls.hit("after:" + flow.input()));
        return answer;
    }

    /** A step that blocks until interrupted; the next step must never start after a cancel. */
    @Action("block")
    public String block(FlowScope<String> flow) {
        flow.step("wait", () -> {
            gates.get("entered:" + flow.input()).countDown();
            try {
                gates.get("never").await();
            } catch (InterruptedException e) {
                gates.get("interrupted:" + flow.input()).countDown();
                throw e;
            }
            return 0;
        });
        flow.step("next", () -> calls.hit("next:" + flow.input()));
        return "finished";
    }

    /** After the signal, holds its step until the test releases it, so a second resume can race it. */
    @Action("hold")
    public String hold(FlowScope<String> flow) {
        String answer = flow.suspend("go", String.class);
        flow.step("held", () -> {
            calls.hit("held:" + flow.input());
            gates.get("holding:" + flow.input()).countDown();
            gates.get("release:" + flow.input()).await();
            return 0;
        });
        return answer;
    }
}
