package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;

import io.crux.ee.api.exception.ModelConfigurationException;
import io.crux.ee.api.exception.ModelNotFoundException;

/** Models from {@code crux.models.<name>.*} properties: built once, checked, and named in errors. */
class ConfiguredModelRegistryTest {

    private static final Map<String, String> LOCAL = Map.of(
            "crux.models.local.base-url", "http://127.0.0.1:11434/v1",
            "crux.models.local.model-name", "qwen2.5:0.5b",
            "crux.models.local.temperature", "0.1",
            "crux.models.other.base-url", "http://127.0.0.1:8000/v1",
            "crux.models.other.model-name", "m",
            "crux.models.other.json-schema", "false",
            "crux.unrelated", "x");

    @Test
    void buildsOpenAiCompatibleModelsOnceAndListsTheirNames() {
        ConfiguredModelRegistry registry = ConfiguredModelRegistry.of(LOCAL);

        ChatModel chat = registry.chatModel("local");

        assertThat(chat).isInstanceOf(OpenAiChatModel.class).isSameAs(registry.chatModel("local"));
        assertThat(chat.defaultRequestParameters().modelName()).isEqualTo("qwen2.5:0.5b");
        assertThat(chat.defaultRequestParameters().temperature()).isEqualTo(0.1);
        assertThat(chat.supportedCapabilities()).contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        assertThat(registry.chatModel("other").supportedCapabilities())
                .doesNotContain(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        assertThat(registry.streamingChatModel("local")).isInstanceOf(OpenAiStreamingChatModel.class);
        assertThat(registry.names()).containsExactly("local", "other");
    }

    @Test
    void anUnknownNameIsNotFoundAndTheMessageListsTheConfiguredOnes() {
        ConfiguredModelRegistry registry = ConfiguredModelRegistry.of(LOCAL);

        assertThat(registry.findChatModel("gpt")).isEmpty();
        assertThatThrownBy(() -> registry.streamingChatModel("gpt"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageStartingWith("CRUX0051E: No StreamingChatModel named 'gpt'")
                .hasMessageContaining("[local, other]")
                .hasMessageContaining("crux.models.gpt.base-url");
    }

    @Test
    void incompleteOrMalformedPropertiesAreNamed() {
        assertThatThrownBy(() -> ConfiguredModelRegistry.of(Map.of("crux.models.x.base-url", "http://127.0.0.1/v1"))
                        .chatModel("x"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageStartingWith("CRUX0081E")
                .hasMessageContaining("crux.models.x.model-name is missing");
        Map<String, String> badTimeout = Map.of(
                "crux.models.x.base-url",
                "http://127.0.0.1/v1",
                "crux.models.x.model-name",
                "m",
                "crux.models.x.timeout",
                "30s");
        assertThatThrownBy(() -> ConfiguredModelRegistry.of(badTimeout).chatModel("x"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessage(
                        "CRUX0080E: The model 'x' is configured with crux.models.x.timeout=30s, which is not a positive"
                                + " ISO-8601 duration such as PT60S. Correct the MicroProfile Config property.");
        Map<String, String> badRetries = Map.of(
                "crux.models.x.base-url",
                "http://127.0.0.1/v1",
                "crux.models.x.model-name",
                "m",
                "crux.models.x.max-retries",
                "-1");
        assertThatThrownBy(() -> ConfiguredModelRegistry.of(badRetries).chatModel("x"))
                .hasMessageStartingWith("CRUX0080E")
                .hasMessageContaining("max-retries=-1");
    }
}
