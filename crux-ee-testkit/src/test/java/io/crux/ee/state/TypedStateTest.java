package io.crux.ee.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** Writes to a typed scope checked against the declared records, and reads that come back typed. */
public class TypedStateTest {

    public record Note(@Size(min = 1) String text) {}

    public record Desk(@Size(max = 10) String topic, int questions, List<String> tags, Note note) {}

    /** The action's part: the same key with a constraint of its own. */
    public record Counting(@Min(0) int questions) {}

    public record Topic(String topic) {}

    public record TopicAsNumber(long topic) {}

    public record Stray(String unknown) {}

    public record Free(String anything, int count) {}

    public enum Priority {
        LOW,
        HIGH
    }

    public record Schedule(Priority priority, LocalDate due, List<Priority> history) {}

    @FlowDefinition("desk")
    @ScopeState(scope = Scope.SESSION, type = Desk.class)
    public static class DeskFlow {
        Consumer<FlowScope<String>> body = flow -> {};
        final List<InvalidInputException> refused = new ArrayList<>();

        @Action("ask")
        @ScopeState(scope = Scope.SESSION, type = Counting.class)
        public Desk ask(FlowScope<String> flow) {
            body.accept(flow);
            return flow.session(Desk.class).get();
        }

        void attempt(Runnable write) {
            try {
                write.run();
            } catch (InvalidInputException e) {
                refused.add(e);
            }
        }
    }

    @FlowDefinition("free")
    public static class FreeFlow {
        Consumer<FlowScope<String>> body = flow -> {};

        @Action("run")
        public Free run(FlowScope<String> flow) {
            body.accept(flow);
            return flow.session(Free.class).get();
        }
    }

    private static TestRun<Desk> run(DeskFlow flow) {
        return CruxTest.<String, Desk>testFlow(flow).session("s-1").input("q").run();
    }

    private static TestRun<Desk> run(DeskFlow flow, Map<String, ?> seed) {
        return CruxTest.<String, Desk>testFlow(flow)
                .session("s-1")
                .sessionState(seed)
                .input("q")
                .run();
    }

    @Test
    void anUpdateWritesTheRecordAndAReadReturnsItTyped() {
        DeskFlow flow = new DeskFlow();
        flow.body = f -> f.session(Desk.class)
                .update(d -> new Desk("billing", d.questions() + 1, List.of("vip"), new Note("called twice")));

        TestRun<Desk> run = run(flow).assertCompleted();

        assertThat(run.output()).isEqualTo(new Desk("billing", 1, List.of("vip"), new Note("called twice")));
        run.session().has("topic", "billing").has("questions", 1);
    }

    @Test
    void absentKeysReadAsNullAndZero() {
        TestRun<Desk> run = run(new DeskFlow()).assertCompleted();

        assertThat(run.output()).isEqualTo(new Desk(null, 0, null, null));
    }

    @Test
    void storedValuesReadBackAsTheDeclaredTypes() {
        TestRun<Desk> run = run(new DeskFlow(), Map.of("topic", "seeded", "questions", 7, "note", Map.of("text", "n")))
                .assertCompleted();

        assertThat(run.output()).isEqualTo(new Desk("seeded", 7, null, new Note("n")));
    }

    @Test
    void aValueOfAnotherTypeIsRefusedAndNothingIsWritten() {
        DeskFlow flow = new DeskFlow();
        flow.body = f -> {
            flow.attempt(() -> f.session(Desk.class).set("questions", "three"));
            flow.attempt(() -> f.session().set("topic", 42));
            flow.attempt(() -> f.session().patch(Map.of("topic", "ok", "tags", "not-a-list")));
        };

        TestRun<Desk> run = run(flow).assertCompleted();

        assertThat(flow.refused)
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.getMessage()).startsWith("CRUX0233E"));
        assertThat(flow.refused.get(0).violations())
                .singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("questions"));
        assertThat(flow.refused.get(1).violations())
                .singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("topic"));
        assertThat(flow.refused.get(2).violations())
                .singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("tags"));
        assertThat(run.session().snapshot()).isEmpty();
    }

    @Test
    void beanValidationConstraintsOfEveryDeclaringRecordAreChecked() {
        DeskFlow flow = new DeskFlow();
        flow.body = f -> {
            flow.attempt(() -> f.session(Desk.class).set("topic", "far too long a topic"));
            // the constraint comes from the action's part, Counting, not from Desk
            flow.attempt(() -> f.session(Desk.class).update(d -> new Desk("ok", -1, null, null)));
            flow.attempt(() -> f.session().set("questions", -5));
            // a nested record is validated as well
            flow.attempt(() -> f.session().set("note", new Note("")));
        };

        TestRun<Desk> run = run(flow).assertCompleted();

        assertThat(flow.refused)
                .hasSize(4)
                .allSatisfy(e -> assertThat(e.getMessage()).startsWith("CRUX0233E"));
        assertThat(flow.refused)
                .extracting(e -> e.violations().get(0).field())
                .containsExactly("topic", "questions", "questions", "note.text");
        assertThat(run.session().snapshot()).isEmpty();
    }

    @Test
    void anUndeclaredKeyIsRefusedThroughTheUntypedApiToo() {
        DeskFlow flow = new DeskFlow();
        flow.body = f -> {
            flow.attempt(() -> f.session().set("mood", "happy"));
            flow.attempt(() -> f.session().patch(Map.of("topic", "ok", "mood", "happy")));
            flow.attempt(() -> f.session().atomic(doc -> doc.put("mood", "happy")));
            flow.attempt(() -> f.session().inc("visits", 1));
        };

        TestRun<Desk> run = run(flow).assertCompleted();

        assertThat(flow.refused)
                .hasSize(4)
                .allSatisfy(e -> assertThat(e.getMessage()).startsWith("CRUX0232E"));
        assertThat(flow.refused)
                .extracting(e -> e.violations().get(0).field())
                .containsExactly("mood", "mood", "mood", "visits");
        assertThat(run.session().snapshot()).isEmpty();
    }

    @Test
    void atomicOperationsAreTypeChecked() {
        DeskFlow flow = new DeskFlow();
        flow.body = f -> {
            f.session().inc("questions", 2);
            f.session(Desk.class).inc("questions", 3);
            f.session(Desk.class).push("tags", "vip");
            f.session().push("tags", "urgent");
            flow.attempt(() -> f.session().inc("topic", 1));
            flow.attempt(() -> f.session(Desk.class).push("topic", "x"));
            flow.attempt(() -> f.session().push("tags", 12));
            flow.attempt(() -> f.session().atomic(doc -> doc.put("questions", "many")));
        };

        TestRun<Desk> run = run(flow).assertCompleted();

        assertThat(run.output().questions()).isEqualTo(5);
        assertThat(run.output().tags()).containsExactly("vip", "urgent");
        assertThat(flow.refused)
                .extracting(e -> e.getMessage().substring(0, 9))
                .containsExactly("CRUX0234E", "CRUX0234E", "CRUX0233E", "CRUX0233E");
        assertThat(flow.refused.get(0).getMessage()).contains("inc", "'topic'", "java.lang.String");
        assertThat(flow.refused.get(1).getMessage()).contains("push", "'topic'");
    }

    @Test
    void aBlockPartThatFitsTheSchemaReadsAndWritesItsKeys() {
        DeskFlow flow = new DeskFlow();
        List<InvalidInputException> refused = new ArrayList<>();
        flow.body = f -> {
            f.session(Topic.class).update(t -> new Topic("a part"));
            try {
                // the part carries no constraint, but Desk, which declares the key too, does
                f.session(Topic.class).set("topic", "longer than ten");
            } catch (InvalidInputException e) {
                refused.add(e);
            }
        };

        assertThat(run(flow).assertCompleted().output().topic()).isEqualTo("a part");
        assertThat(refused)
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).startsWith("CRUX0233E"));
    }

    @Test
    void aPartThatConflictsWithTheSchemaOrAddsAKeyIsRefusedWhenItIsUsed() {
        DeskFlow flow = new DeskFlow();
        List<FlowDefinitionException> refused = new ArrayList<>();
        flow.body = f -> {
            for (Class<? extends Record> part : List.of(TopicAsNumber.class, Stray.class)) {
                try {
                    f.session(part);
                } catch (FlowDefinitionException e) {
                    refused.add(e);
                }
            }
        };

        run(flow).assertCompleted();

        assertThat(refused)
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.getMessage()).startsWith("CRUX0235E"));
        assertThat(refused.get(0).getMessage()).contains("'topic'", "long", "java.lang.String", "Desk");
        assertThat(refused.get(1).getMessage()).contains("'unknown'", "not declared");
    }

    @Test
    void typedStateReadsBackAfterAResume() {
        DeskFlow flow = new DeskFlow();
        flow.body = f -> {
            f.step("open", () -> {
                f.session(Desk.class).update(d -> new Desk("refund", 1, List.of("a"), new Note("first")));
                return "opened";
            });
            String reply = f.suspend("reply", String.class);
            f.step("close", () -> {
                f.session(Desk.class).update(d -> new Desk(d.topic(), d.questions() + 1, d.tags(), new Note(reply)));
                return "closed";
            });
        };

        TestRun<Desk> suspended = run(flow).assertSuspended("reply");
        TestRun<Desk> done = suspended.signal("reply", "thanks").assertCompleted();

        assertThat(done.output()).isEqualTo(new Desk("refund", 2, List.of("a"), new Note("thanks")));
    }

    @Test
    void anUntypedFlowKeepsAcceptingAnyKeyAndAViewChecksOnlyItsOwnKeys() {
        FreeFlow flow = new FreeFlow();
        List<InvalidInputException> refused = new ArrayList<>();
        flow.body = f -> {
            f.session().set("mood", "happy");
            f.session().inc("visits", 1);
            f.session(Free.class).set("anything", "x");
            f.session(Free.class).inc("count", 2);
            try {
                f.session(Free.class).set("count", "two");
            } catch (InvalidInputException e) {
                refused.add(e);
            }
        };

        TestRun<Free> run = CruxTest.<String, Free>testFlow(flow)
                .session("s-1")
                .input("q")
                .run()
                .assertCompleted();

        assertThat(run.output()).isEqualTo(new Free("x", 2));
        run.session().has("mood", "happy").has("visits", 1);
        assertThat(refused)
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).startsWith("CRUX0233E"));
    }

    @Test
    void valuesWrittenAsJsonStringsReadBackAsTheirTypes() {
        FreeFlow flow = new FreeFlow();
        List<Schedule> read = new ArrayList<>();
        List<InvalidInputException> refused = new ArrayList<>();
        flow.body = f -> {
            f.session(Schedule.class).set("priority", Priority.HIGH);
            f.session(Schedule.class).set("due", LocalDate.of(2030, 1, 31));
            f.session(Schedule.class).push("history", Priority.LOW);
            try {
                f.session(Schedule.class).set("priority", "URGENT");
            } catch (InvalidInputException e) {
                refused.add(e);
            }
            read.add(f.session(Schedule.class).get());
        };

        CruxTest.<String, Free>testFlow(flow).session("s-1").input("q").run().assertCompleted();

        assertThat(read).containsExactly(new Schedule(Priority.HIGH, LocalDate.of(2030, 1, 31), List.of(Priority.LOW)));
        assertThat(refused)
                .singleElement()
                .satisfies(e -> assertThat(e.violations())
                        .singleElement()
                        .satisfies(v -> assertThat(v.field()).isEqualTo("priority")));
    }
}
