package io.crux.ee.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.cdi.FlowDefinitions;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.StateSchema;
import io.crux.ee.service.FlowKind;
import io.crux.ee.testkit.CruxTest;

/** The {@link ScopeState} declarations of a flow, merged per scope when the flow deploys. */
public class StateDeclarationsTest {

    public record Desk(String topic, int questions, List<String> tags) {}

    public record Counting(Integer questions) {}

    public record TopicAsNumber(int topic) {}

    public record Prefs(String tone) {}

    @FlowDefinition("merged")
    @ScopeState(scope = Scope.SESSION, type = Desk.class)
    public static class Merged {
        @Action("ask")
        @ScopeState(scope = Scope.SESSION, type = Counting.class)
        @ScopeState(scope = Scope.USER, type = Prefs.class)
        public String ask(FlowScope<String> flow) {
            return "";
        }
    }

    @FlowDefinition("conflicting")
    @ScopeState(scope = Scope.SESSION, type = Desk.class)
    public static class Conflicting {
        @Action("count")
        @ScopeState(scope = Scope.SESSION, type = TopicAsNumber.class)
        public String count(FlowScope<String> flow) {
            return "";
        }
    }

    @FlowDefinition("misplaced")
    @ScopeState(scope = Scope.SESSION, type = Desk.class)
    @ScopeState(scope = Scope.SESSION, type = Counting.class)
    public static class Misplaced {
        @Action("ask")
        public String ask(FlowScope<String> flow) {
            return "";
        }

        @ScopeState(scope = Scope.USER, type = Prefs.class)
        public void helper() {}
    }

    @FlowDefinition("untyped")
    public static class Untyped {
        @Action("ask")
        public String ask(FlowScope<String> flow) {
            return "";
        }
    }

    @Test
    void theDeclarationsOfTheFlowAndItsActionsAreMergedPerScope() {
        FlowModel model = FlowDefinitions.read(Merged.class, FlowDefinitions.InstanceSource.of(Merged::new))
                .model();

        Map<Scope, StateSchema> state = model.state();

        assertThat(state).containsOnlyKeys(Scope.SESSION, Scope.USER);
        assertThat(state.get(Scope.SESSION).fields()).containsOnlyKeys("topic", "questions", "tags");
        // int and Integer are one type; both records declare the key
        assertThat(state.get(Scope.SESSION).fields().get("questions").declarations())
                .extracting(StateSchema.Declaration::type)
                .containsExactly(Desk.class, Counting.class);
        assertThat(state.get(Scope.SESSION).fields().get("tags").type().getTypeName())
                .isEqualTo("java.util.List<java.lang.String>");
        assertThat(state.get(Scope.USER).fields()).containsOnlyKeys("tone");
    }

    @Test
    void aKeyDeclaredWithTwoTypesFailsTheDeploymentNamingBothDeclarations() {
        FlowDefinitions.Result result =
                FlowDefinitions.read(Conflicting.class, FlowDefinitions.InstanceSource.of(Conflicting::new));

        assertThat(result.model()).isNull();
        assertThat(result.problems()).hasSize(1);
        assertThat(result.problems().get(0))
                .startsWith("CRUX0230E")
                .contains("'topic'")
                .contains("java.lang.String in Desk (the flow class " + Conflicting.class.getName() + ")")
                .contains("int in TopicAsNumber (the action 'count'");
    }

    @Test
    void theTestKitRefusesTheConflictingFlowAsTheExtensionDoes() {
        assertThatThrownBy(() -> CruxTest.testFlow(new Conflicting()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CRUX0230E");
    }

    @Test
    void aScopeDeclaredTwiceOrADeclarationOutsideAnActionFailsTheDeployment() {
        FlowDefinitions.Result result =
                FlowDefinitions.read(Misplaced.class, FlowDefinitions.InstanceSource.of(Misplaced::new));

        assertThat(result.model()).isNull();
        assertThat(result.problems())
                .hasSize(2)
                .allMatch(p -> p.startsWith("CRUX0231E"))
                .anyMatch(p -> p.contains("SESSION is declared more than once"))
                .anyMatch(p -> p.contains("helper") && p.contains("not an @Action"));
    }

    @Test
    void aModelGivenToTheEngineDirectlyIsCheckedWhenItIsRegistered() {
        FlowModel model = new FlowModel(
                "conflicting",
                true,
                Conflicting.class,
                Map.of("run", new ActionModel("run", String.class, String.class, s -> "")));

        assertThatThrownBy(() -> CruxTest.testFlow(model).run())
                .isInstanceOf(FlowDefinitionException.class)
                .hasMessageContaining("CRUX0230E");
    }

    @Test
    void aFlowWithoutDeclarationsHasNoTypedScope() {
        FlowModel model = FlowDefinitions.read(Untyped.class, FlowDefinitions.InstanceSource.of(Untyped::new))
                .model();

        assertThat(model.state()).isEmpty();
    }

    @FlowDefinition("abstract-record")
    @ScopeState(scope = Scope.SESSION, type = Record.class)
    public static class AbstractRecord {
        @Action("ask")
        public String ask(FlowScope<String> flow) {
            return "";
        }
    }

    @Test
    void aTypeThatIsNotARecordIsRefused() {
        FlowDefinitions.Result result =
                FlowDefinitions.read(AbstractRecord.class, FlowDefinitions.InstanceSource.of(AbstractRecord::new));

        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("CRUX0231E")
                .contains("not a record");
    }

    @Test
    void theFlowsKindPublishesTheMergedKeysOfEachTypedScope() {
        FlowModel model = FlowDefinitions.read(Merged.class, FlowDefinitions.InstanceSource.of(Merged::new))
                .model();
        EngineFlowService service = new EngineFlowService(List.of(model), () -> null, () -> null);

        FlowKind kind = service.flow("merged").orElseThrow();

        assertThat(kind.state()).containsOnlyKeys("session", "user");
        assertThat(kind.state().get("session")).containsOnlyKeys("topic", "questions", "tags");
        assertThat(kind.state().get("session").get("questions")).isEqualTo(int.class);
        assertThat(kind.state().get("user")).containsEntry("tone", String.class);
    }
}
