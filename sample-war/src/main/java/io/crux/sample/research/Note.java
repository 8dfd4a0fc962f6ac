package io.crux.sample.research;

/**
 * What the library knows about a topic.
 *
 * @param topic the topic
 * @param text the note, or a sentence saying that the library has none
 */
public record Note(String topic, String text) {}
