package io.crux.ee.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.annotation.JsonbProperty;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;

/** An action's user message declaration is checked when the application deploys (CRUX0210E). */
class UserMessageDeclarationTest {

    public record Question(
            String text,
            int priority,
            @JsonbProperty("full_name") String name) {}

    /** A JSON-B bean with a getter. */
    public static class Ticket {
        private String body;

        public String getBody() {
            return body;
        }

        public void setBody(String body) {
            this.body = body;
        }
    }

    @FlowDefinition("unknown-property")
    public static class UnknownProperty {
        @Action(value = "ask", userMessage = "txt")
        public String ask(FlowScope<Question> flow) {
            return "";
        }
    }

    @FlowDefinition("not-a-string")
    public static class NotAString {
        @Action(value = "ask", userMessage = "priority")
        public String ask(FlowScope<Question> flow) {
            return "";
        }
    }

    @FlowDefinition(value = "on-the-definition", userMessage = "text")
    public static class OnTheDefinitionOfActions {
        @Action("ask")
        public String ask(FlowScope<Question> flow) {
            return "";
        }
    }

    @FlowDefinition("usable")
    public static class Usable {
        @Action(value = "by-json-name", userMessage = "full_name")
        public String byJsonName(FlowScope<Question> flow) {
            return "";
        }

        @Action(value = "by-getter", userMessage = "body")
        public String byGetter(FlowScope<Ticket> flow) {
            return "";
        }
    }

    private static FlowDefinitions.Result read(Class<?> type) {
        return FlowDefinitions.read(type, FlowDefinitions.InstanceSource.of(() -> null));
    }

    @Test
    void anUnknownPropertyFailsTheDeploymentNamingTheClassTheActionAndTheProperties() {
        FlowDefinitions.Result result = read(UnknownProperty.class);

        assertThat(result.model()).isNull();
        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("CRUX0210E")
                .contains(UnknownProperty.class.getName(), "'ask'", "no property 'txt'", "[text, priority, full_name]");
    }

    @Test
    void aPropertyThatIsNotAStringFailsTheDeployment() {
        assertThat(read(NotAString.class).problems())
                .singleElement()
                .asString()
                .startsWith("CRUX0210E")
                .contains("'priority'", "is a int, not a String");
    }

    @Test
    void aUserMessageOnTheDefinitionOfAFlowThatIsNotAHandlerFailsTheDeployment() {
        assertThat(read(OnTheDefinitionOfActions.class).problems())
                .singleElement()
                .asString()
                .startsWith("CRUX0210E")
                .contains("not a FlowHandler", "@Action(userMessage = ...)");
    }

    @Test
    void aJsonNameAndAGetterAreProperties() {
        FlowDefinitions.Result result = read(Usable.class);

        assertThat(result.problems()).isEmpty();
        assertThat(result.model().actions().get("by-json-name").userMessage().apply(new Question("t", 1, "Ann")))
                .isEqualTo("Ann");
        Ticket ticket = new Ticket();
        ticket.setBody("printer is on fire");
        assertThat(result.model().actions().get("by-getter").userMessage().apply(ticket))
                .isEqualTo("printer is on fire");
    }
}
