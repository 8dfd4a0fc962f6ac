package io.crux.ee.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.Block;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;
import io.crux.ee.block.Sequencer;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.testkit.CruxTest;

/** Reading definition classes into models, and the problems that fail a deployment. */
class FlowDefinitionsTest {

    public record Question(String text) {}

    public record Answer(String text) {}

    @FlowDefinition("handler")
    static class Handler implements FlowHandler<Question, Answer> {
        @Override
        public Answer run(FlowScope<Question> flow) {
            return new Answer(flow.input().text());
        }
    }

    @FlowDefinition(value = "actions", durable = false)
    public static class Actions {
        @Action("ask")
        public Answer ask(FlowScope<Question> flow) {
            return new Answer("a");
        }

        @Action("forget")
        public void forget(FlowScope<String> flow) {}
    }

    @FlowDefinition("broken")
    public static class Broken {
        @Action("two-params")
        public String twoParams(FlowScope<String> flow, int extra) {
            return "";
        }

        @Action("raw")
        @SuppressWarnings("rawtypes")
        public String raw(FlowScope flow) {
            return "";
        }

        @Action("hidden")
        String hidden(FlowScope<String> flow) {
            return "";
        }

        @Action("static")
        public static String statik(FlowScope<String> flow) {
            return "";
        }

        @Action("twice")
        public String first(FlowScope<String> flow) {
            return "";
        }

        @Action("twice")
        public String second(FlowScope<String> flow) {
            return "";
        }
    }

    @FlowDefinition("empty")
    public static class Empty {}

    @FlowDefinition(" ")
    public static class Blank implements FlowHandler<String, String> {
        @Override
        public String run(FlowScope<String> flow) {
            return "";
        }
    }

    @FlowDefinition("blocks")
    public static class Blocks {
        int obtained;

        @Action("chat")
        public Sequencer<Question, Answer> chat() {
            obtained++;
            return Sequencer.<Question>named("chat")
                    .then(io.crux.ee.block.Handler.of(
                            "answer", (Question q, io.crux.ee.api.BlockContext ctx) -> new Answer("re: " + q.text())))
                    .build();
        }

        @Action("length")
        public Block<String, Integer> length() {
            return io.crux.ee.block.Handler.of("length", (s, ctx) -> s.length());
        }
    }

    @FlowDefinition("bad-blocks")
    public static class BadBlocks {
        @Action("raw")
        @SuppressWarnings("rawtypes")
        public Block raw() {
            return null;
        }

        @Action("wildcard")
        public Block<?, Answer> wildcard() {
            return null;
        }

        @Action("generic")
        public <T> Block<T, T> generic() {
            return null;
        }

        @Action("nothing")
        public String nothing() {
            return "";
        }
    }

    private static final FlowDefinitions.InstanceSource NO_INSTANCES = FlowDefinitions.InstanceSource.of(() -> null);

    @Test
    void handlerHasTheSingleActionRunWithItsTypeArguments() {
        FlowModel model = FlowDefinitions.read(Handler.class, NO_INSTANCES).model();

        assertThat(model.name()).isEqualTo("handler");
        assertThat(model.durable()).isTrue();
        assertThat(model.actions()).containsOnlyKeys("run");
        assertThat(model.actions().get("run").inputType()).isEqualTo(Question.class);
        assertThat(model.actions().get("run").outputType()).isEqualTo(Answer.class);
    }

    @Test
    void actionMethodsBecomeActionsAndVoidBecomesVoidOutput() throws Throwable {
        Actions instance = new Actions();
        FlowModel model = FlowDefinitions.read(Actions.class, FlowDefinitions.InstanceSource.of(() -> instance))
                .model();

        assertThat(model.durable()).isFalse();
        assertThat(model.actions()).containsOnlyKeys("ask", "forget");
        assertThat(model.actions().get("ask").inputType()).isEqualTo(Question.class);
        assertThat(model.actions().get("forget").outputType()).isEqualTo(Void.class);
        assertThat(model.actions().get("ask").invoker().invoke(null)).isEqualTo(new Answer("a"));
    }

    @Test
    void everyUnusableActionIsReportedWithItsReason() {
        List<String> problems = FlowDefinitions.read(Broken.class, NO_INSTANCES).problems();

        assertThat(problems).allSatisfy(p -> assertThat(p).contains(Broken.class.getName()));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("CRUX0002E").contains(".twoParams", "takes 2 parameter(s)"));
        assertThat(problems)
                .anySatisfy(
                        p -> assertThat(p).startsWith("CRUX0002E").contains(".raw", "does not name the input type"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("CRUX0002E").contains(".hidden", "not public"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("CRUX0002E").contains(".statik", "is static"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("CRUX0004E").contains("'twice'"));
        assertThat(problems).hasSize(5);
    }

    @Test
    void definitionWithoutActionsIsReported() {
        assertThat(FlowDefinitions.read(Empty.class, NO_INSTANCES).problems())
                .singleElement()
                .asString()
                .startsWith("CRUX0003E")
                .contains(Empty.class.getName());
    }

    @Test
    void blankNameIsReported() {
        assertThat(FlowDefinitions.read(Blank.class, NO_INSTANCES).problems())
                .singleElement()
                .asString()
                .startsWith("CRUX0005E");
    }

    @Test
    void blockActionsTakeTheirTypesFromTheGenericReturnType() {
        FlowModel model = FlowDefinitions.read(Blocks.class, NO_INSTANCES).model();

        assertThat(model.actions()).containsOnlyKeys("chat", "length");
        assertThat(model.actions().get("chat").inputType()).isEqualTo(Question.class);
        assertThat(model.actions().get("chat").outputType()).isEqualTo(Answer.class);
        assertThat(model.actions().get("length").inputType()).isEqualTo(String.class);
        assertThat(model.actions().get("length").outputType()).isEqualTo(Integer.class);
    }

    @Test
    void blockActionRunsTheBlockObtainedFromTheBeanWithTheRunsInput() {
        Blocks bean = new Blocks();

        CruxTest.<Question, Answer>testFlow(bean)
                .action("chat")
                .input(new Question("hi"))
                .run()
                .assertOutput(new Answer("re: hi"))
                .steps()
                .succeeded("chat/answer");
        assertThat(bean.obtained).isEqualTo(1);
    }

    @Test
    void blockActionsWithoutConcreteTypesAreReported() {
        List<String> problems =
                FlowDefinitions.read(BadBlocks.class, NO_INSTANCES).problems();

        assertThat(problems)
                .anySatisfy(p ->
                        assertThat(p).startsWith("CRUX0002E").contains(".raw", "does not name the input and output"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("CRUX0002E").contains(".wildcard", "Block<?"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("CRUX0002E").contains(".generic", "is generic"));
        assertThat(problems)
                .anySatisfy(p ->
                        assertThat(p).startsWith("CRUX0002E").contains(".nothing", "does not return a Block<I, O>"));
        assertThat(problems).hasSize(4);
    }
}
