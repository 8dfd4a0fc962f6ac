package io.crux.ee.langchain4j;

import java.util.Locale;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import io.crux.ee.spi.FlowTracer;

/**
 * The OpenTelemetry GenAI attributes of a model call: LangChain4j's request parameters and
 * response, mapped to the {@link FlowTracer.GenerationRequest} and {@link FlowTracer.GenerationResponse}
 * of its span.
 */
final class GenAiAttributes {

    private GenAiAttributes() {}

    /**
     * @param provider the model's provider, or {@code null}
     * @param model the model's name as configured, or as named in the registry
     * @param effective the request's parameters over the model's defaults
     */
    static FlowTracer.GenerationRequest request(ModelProvider provider, String model, ChatRequestParameters effective) {
        return new FlowTracer.GenerationRequest(
                "chat", providerName(provider), model, effective.temperature(), effective.maxOutputTokens());
    }

    static FlowTracer.GenerationResponse response(ChatResponse response) {
        TokenUsage usage = response.tokenUsage();
        return new FlowTracer.GenerationResponse(
                response.id(),
                response.modelName(),
                usage == null ? null : usage.inputTokenCount(),
                usage == null ? null : usage.outputTokenCount(),
                finishReason(response.finishReason()));
    }

    /** The GenAI convention's finish reasons, which are OpenAI's. */
    static String finishReason(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_EXECUTION -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The GenAI convention's {@code gen_ai.provider.name} of a LangChain4j provider. */
    static String providerName(ModelProvider provider) {
        if (provider == null) {
            return "other";
        }
        return switch (provider) {
            case OPEN_AI -> "openai";
            case AZURE_OPEN_AI -> "azure.ai.openai";
            case MICROSOFT_FOUNDRY -> "azure.ai.inference";
            case AMAZON_BEDROCK -> "aws.bedrock";
            case GOOGLE_AI_GEMINI -> "gcp.gemini";
            case GOOGLE_VERTEX_AI_GEMINI, GOOGLE_VERTEX_AI_ANTHROPIC -> "gcp.vertex_ai";
            case GOOGLE_GENAI -> "gcp.gen_ai";
            case MISTRAL_AI -> "mistral_ai";
            case WATSONX -> "ibm.watsonx.ai";
            case GITHUB_MODELS -> "github";
            default -> provider.name().toLowerCase(Locale.ROOT);
        };
    }
}
