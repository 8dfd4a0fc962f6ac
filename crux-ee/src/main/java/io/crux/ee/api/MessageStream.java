package io.crux.ee.api;

/**
 * A message item written piece by piece: {@link FlowScope#message(String)} adds it
 * ({@code item.added}), each {@link #delta(String)} is sent live as a {@code content.delta} event
 * and is not stored, and {@link #done()} stores the whole text ({@code item.done}). Use it from one
 * thread.
 */
public interface MessageStream extends AutoCloseable {

    /** @return the item's id */
    String itemId();

    /** @param text the next piece of text */
    void delta(String text);

    /** @return the text so far */
    String text();

    /**
     * Completes the message with the text so far.
     *
     * @return the completed item
     */
    Item done();

    /** Marks the message incomplete if {@link #done()} was not called. */
    @Override
    void close();
}
