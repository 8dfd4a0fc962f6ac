package io.crux.it.api;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.Block;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.StepOptions;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Results;
import io.crux.ee.block.Sequencer;

/** Flows behind the HTTP API tests. */
@ApplicationScoped
@FlowDefinition(value = "it-counter", requireUser = true)
public class CounterFlow {

    @Action("chat")
    public String chat(FlowScope<Chat> flow) {
        flow.step("before", () -> {
            for (int i = 1; i <= flow.input().before(); i++) {
                flow.emit(Item.status("before " + i));
            }
            return flow.input().before();
        });
        String more = flow.suspend("more", String.class, Duration.ofMinutes(10));
        flow.step("after", () -> {
            for (int i = 1; i <= flow.input().after(); i++) {
                flow.emit(Item.status("after " + i));
            }
            return flow.input().after();
        });
        return more;
    }

    @Action("inc")
    public long inc(FlowScope<Map<String, Object>> flow) {
        return flow.step("inc", () -> flow.session().inc("counter", 1));
    }

    @Action("wait")
    public String await(FlowScope<Wait> flow) {
        return flow.suspend(
                "never", String.class, Duration.ofMillis(flow.input().expiryMillis()));
    }

    /** Fails its one step and waits ten minutes for the retry, holding no thread: the run stays RUNNING. */
    @Action("stall")
    public String stall(FlowScope<Map<String, Object>> flow) {
        return flow.step(
                "stall",
                () -> {
                    throw new IllegalStateException("not yet");
                },
                StepOptions.<String>retry(2, Duration.ofMinutes(10), Backoff.LINEAR));
    }

    /**
     * Waits for the signal "go", then streams a message of {@code before} words inside a step, one
     * {@code content.delta} per word, each word the signal's text and its number.
     */
    @Action("type")
    public String type(FlowScope<Chat> flow) {
        String word = flow.suspend("go", String.class, Duration.ofMinutes(10));
        return flow.step("type", () -> {
            try (MessageStream m = flow.message("assistant")) {
                for (int i = 1; i <= flow.input().before(); i++) {
                    m.delta(word + i + " ");
                }
                return m.done().content().get("text").toString();
            }
        });
    }

    /** Four parallel branches of three steps each; every step emits {@code before} items. */
    @Action("fan")
    public Block<Chat, String> fan() {
        Sequencer.Builder<Chat, Results> fan = Sequencer.named("fan", Chat.class)
                .parallel(
                        "branches",
                        4,
                        Sequencer.branch("a", lane("a")),
                        Sequencer.branch("b", lane("b")),
                        Sequencer.branch("c", lane("c")),
                        Sequencer.branch("d", lane("d")));
        return fan.then(Handler.<Results, String>of("joined", (results, ctx) -> "joined"))
                .build();
    }

    private static Block<Chat, Chat> lane(String branch) {
        return Sequencer.named("lane", Chat.class)
                .then(emits(branch, 1))
                .then(emits(branch, 2))
                .then(emits(branch, 3))
                .build();
    }

    private static Handler<Chat, Chat> emits(String branch, int step) {
        return Handler.of("step" + step, (chat, ctx) -> {
            for (int i = 1; i <= chat.before(); i++) {
                ctx.emit(Item.status(branch + step + "." + i));
            }
            return chat;
        });
    }

    @Action("strict")
    public String strict(FlowScope<Strict> flow) {
        return flow.input().text();
    }

    @ClientData("counter")
    public Object counter(ClientData.Context state) {
        return state.session().getOrDefault("counter", 0);
    }
}
