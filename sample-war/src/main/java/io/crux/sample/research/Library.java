package io.crux.sample.research;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/**
 * The research assistant's sources: a few notes about crux-ee itself. A real application would
 * search documents or a database here. The {@link #lookup} method is also a tool that the writing
 * model may call for a topic the plan missed.
 */
@ApplicationScoped
public class Library {

    private static final Map<String, String> NOTES = new TreeMap<>(Map.of(
            "steps",
            "A step's output is checkpointed when it completes; a resumed run returns the recorded output"
                    + " instead of running the step again.",
            "retry",
            "Retry counts the first attempt and waits on the managed scheduled executor, holding no thread.",
            "suspend",
            "A suspended run waits in the database for a signal; any server sharing the database resumes it.",
            "blocks",
            "Handlers, generators, sequencers and routers compose; each leaf block is a durable step keyed"
                    + " by its path.",
            "streams",
            "Every event of a request is stored with a sequence number before it is sent, so a client"
                    + " resumes a stream with Last-Event-ID and misses nothing.",
            "state",
            "Session, user and project state are JSON documents updated without lost updates."));

    /** @return the topics the library has notes on */
    public java.util.Set<String> topics() {
        return NOTES.keySet();
    }

    /**
     * @param topic a topic
     * @return the library's note on it
     */
    public Note note(String topic) {
        String key = topic.trim().toLowerCase(Locale.ROOT);
        String text = NOTES.get(key);
        return new Note(key, text != null ? text : "The library has no note on '" + topic + "'.");
    }

    /**
     * @param topic a topic
     * @return the note's text, for the model
     */
    @Tool("Looks up the library's note on a topic of crux-ee, such as steps, retry, suspend, blocks, streams or state")
    public String lookup(@P("the topic") String topic) {
        return note(topic).text();
    }
}
