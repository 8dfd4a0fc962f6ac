package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.cdi.FlowDefinitions;
import io.crux.ee.codec.JsonSchemas;

/** {@code GET /api/flows} describes the input of an action that returns a block, not the block. */
class BlockActionSchemaTest {

    public record Question(@NotBlank String text, int maxWords) {}

    public record Answer(String text) {}

    @FlowDefinition("assistant")
    public static class Assistant {
        @Action("chat")
        public Sequencer<Question, Answer> chat() {
            return Sequencer.<Question>named("chat")
                    .then(Handler.of("answer", (Question q, io.crux.ee.api.BlockContext ctx) -> new Answer(q.text())))
                    .build();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSchemaOfABlockActionIsThatOfTheBlocksInputType() {
        ActionModel chat = FlowDefinitions.read(Assistant.class, FlowDefinitions.InstanceSource.of(Assistant::new))
                .model()
                .actions()
                .get("chat");

        Map<String, Object> schema = JsonSchemas.of(chat.inputType());

        assertThat(schema).containsEntry("type", "object");
        assertThat((Map<String, Object>) schema.get("properties")).containsOnlyKeys("text", "maxWords");
    }
}
