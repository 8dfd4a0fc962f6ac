package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.ItemAudience;
import io.crux.ee.api.MessageStream;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * Audience routing by item type: every item is stored, with the audience of its type (the flow's
 * {@link ItemAudience} over the type's default) unless it names one; only client items reach the
 * request's stream, deltas included; a flow that maps a type twice or to {@code BY_TYPE} is refused.
 */
class ItemAudienceTest {

    /** Emits one item of each kind, with the defaults, then reads the session's items inside a step. */
    @FlowDefinition("by-default")
    public static class DefaultFlow {
        List<Item> seen;

        @Action("go")
        public String go(FlowScope<String> flow) {
            emitAll(flow);
            seen = flow.step("read", () -> flow.items());
            return "ok";
        }
    }

    /** The same items in a flow that shows tool calls to its client and keeps messages for the model. */
    @FlowDefinition("mapped")
    @ItemAudience(type = Item.Type.TOOL_CALL, audience = Item.Audience.CLIENT)
    @ItemAudience(type = Item.Type.MESSAGE, audience = Item.Audience.MODEL)
    public static class MappedFlow {
        @Action("go")
        public String go(FlowScope<String> flow) {
            emitAll(flow);
            return "ok";
        }
    }

    static void emitAll(FlowScope<String> flow) {
        flow.emit(Item.message("user", "question"));
        flow.emit(Item.status("status"));
        flow.step("tools", () -> {
            flow.emit(Item.toolCall("c1", "lookup", Map.of()));
            flow.emit(Item.toolOutput("c1", "found"));
            flow.emit(Item.toolCall("c2", "secret", Map.of()).withAudience(Item.Audience.INTERNAL));
            try (MessageStream m = flow.message("assistant")) {
                m.delta("streamed");
                m.done();
            }
            return true;
        });
        flow.emit(Item.context("context"));
        flow.emit(Item.reasoning("reasoning"));
        flow.emit(Item.blockOutput("block", "output"));
        flow.emit(Item.error("error"));
        flow.emit(Item.component("ticket", Map.of("id", "T-1")).withAudience(Item.Audience.MODEL));
    }

    private static Map<String, Item.Audience> stored(TestRun<?> run) {
        return run.items().list().stream().collect(Collectors.toMap(ItemAudienceTest::key, Item::audience));
    }

    private static String key(Item i) {
        Object name = i.content()
                .getOrDefault(
                        "name", i.content().getOrDefault("text", i.content().get("message")));
        return i.type().name().toLowerCase() + ":" + name;
    }

    /** The item types (and names) of the item events and the delta texts a client receives. */
    private static List<String> streamed(TestRun<?> run) {
        return run.events().stream()
                .filter(e -> e.type().startsWith("item.") || e.type().equals("content.delta"))
                .map(EventRecord::json)
                .map(json -> json.replaceAll(".*\"type\":\"(item\\.[a-z]+|content\\.delta)\".*", "$1")
                        + (json.contains("\"delta\":\"streamed\"") ? ":streamed" : "")
                        + (json.contains("\"name\":\"lookup\"") ? ":lookup" : "")
                        + (json.contains("\"text\":\"question\"") ? ":question" : "")
                        + (json.contains("\"text\":\"status\"") ? ":status" : ""))
                .toList();
    }

    @Test
    void everyItemIsStoredWithItsTypesAudienceAndOnlyClientItemsAreStreamed() {
        DefaultFlow flow = new DefaultFlow();
        TestRun<String> run = CruxTest.<String, String>testFlow(flow).input("x").run();

        run.assertCompleted();
        assertThat(stored(run))
                .containsEntry("message:question", Item.Audience.CLIENT)
                .containsEntry("status:status", Item.Audience.CLIENT)
                .containsEntry("tool_call:lookup", Item.Audience.MODEL)
                .containsEntry("tool_output:null", Item.Audience.MODEL)
                .containsEntry("tool_call:secret", Item.Audience.INTERNAL)
                .containsEntry("message:streamed", Item.Audience.CLIENT)
                .containsEntry("context:context", Item.Audience.MODEL)
                .containsEntry("reasoning:reasoning", Item.Audience.MODEL)
                .containsEntry("block_output:null", Item.Audience.INTERNAL)
                .containsEntry("error:error", Item.Audience.CLIENT)
                .containsEntry("component:ticket", Item.Audience.MODEL) // named: wins over the type's CLIENT
                .hasSize(11);
        assertThat(streamed(run))
                .containsExactly(
                        "item.done:question",
                        "item.done:status",
                        "item.added",
                        "content.delta:streamed",
                        "item.done",
                        "item.done"); // the error
        // the step that read saw what was stored before it, of every audience, in order
        assertThat(flow.seen).extracting(ItemAudienceTest::key).startsWith("message:question", "status:status");
        assertThat(flow.seen).hasSize(11);
    }

    @Test
    void aFlowsMappingChangesTheDefaultsButNotAnAudienceTheItemNames() {
        TestRun<String> run =
                CruxTest.<String, String>testFlow(new MappedFlow()).input("x").run();

        run.assertCompleted();
        Map<String, Item.Audience> stored = stored(run);
        assertThat(stored)
                .containsEntry("message:question", Item.Audience.MODEL)
                .containsEntry("message:streamed", Item.Audience.MODEL)
                .containsEntry("tool_call:lookup", Item.Audience.CLIENT)
                .containsEntry("tool_call:secret", Item.Audience.INTERNAL)
                .containsEntry("tool_output:null", Item.Audience.MODEL);
        // messages are the model's now, deltas included; the tool call is the client's
        assertThat(streamed(run)).containsExactly("item.done:status", "item.done:lookup", "item.done");
    }

    @FlowDefinition("twice")
    @ItemAudience(type = Item.Type.STATUS, audience = Item.Audience.MODEL)
    @ItemAudience(type = Item.Type.STATUS, audience = Item.Audience.INTERNAL)
    public static class MappedTwice {
        @Action("go")
        public String go(FlowScope<String> flow) {
            return "ok";
        }
    }

    @FlowDefinition("by-type")
    @ItemAudience(type = Item.Type.STATUS, audience = Item.Audience.BY_TYPE)
    public static class MappedToByType {
        @Action("go")
        public String go(FlowScope<String> flow) {
            return "ok";
        }
    }

    @Test
    void aTypeMappedTwiceOrToByTypeFailsTheDefinitionWithAMessageId() {
        Function<Object, Throwable> read = def -> {
            try {
                CruxTest.testFlow(def);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        };
        assertThat(read.apply(new MappedTwice()))
                .hasMessageContaining("CRUX0220E")
                .hasMessageContaining("STATUS more than once");
        assertThat(read.apply(new MappedToByType()))
                .hasMessageContaining("CRUX0220E")
                .hasMessageContaining("to BY_TYPE");
        assertThatThrownBy(() -> new FlowModel("twice", true, MappedTwice.class, Map.of()).itemAudiences())
                .hasMessageContaining("CRUX0220E");
    }
}
