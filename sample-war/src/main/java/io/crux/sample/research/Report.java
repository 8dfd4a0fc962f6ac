package io.crux.sample.research;

import java.util.List;

/**
 * The assistant's answer.
 *
 * @param answer the text, as streamed to the client
 * @param topics the topics of the plan, in its order (empty for a quick answer)
 * @param model the model that wrote it: {@code scripted} for the built-in scripted model
 */
public record Report(String answer, List<String> topics, String model) {}
