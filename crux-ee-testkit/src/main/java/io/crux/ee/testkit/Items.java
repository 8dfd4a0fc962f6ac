package io.crux.ee.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import io.crux.ee.api.Item;

/**
 * The items a tested run emitted, in the order they were first added, each in its last state
 * (a streamed message appears once, completed). Assertions throw {@link AssertionError} and
 * return this object; {@link #and()} goes back to the run. Immutable: the items are copied when it
 * is made.
 *
 * <pre>{@code
 * run.items().hasTypes(Item.Type.STATUS, Item.Type.MESSAGE).containsMessage("assistant", "Hello");
 * }</pre>
 */
public final class Items {

    private final TestRun<?> run;
    private final List<Item> items;

    Items(TestRun<?> run, List<Item> items) {
        this.run = run;
        this.items = List.copyOf(items);
    }

    /** @return every item, in order */
    public List<Item> list() {
        return items;
    }

    /**
     * @param type an item type
     * @return the items of that type, in order
     */
    public List<Item> ofType(Item.Type type) {
        return items.stream().filter(i -> i.type() == type).toList();
    }

    /** @return the texts of the message items, in order */
    public List<String> messageTexts() {
        return ofType(Item.Type.MESSAGE).stream()
                .map(i -> String.valueOf(i.content().get("text")))
                .toList();
    }

    /**
     * @param expected how many items the run emitted
     * @return this
     */
    public Items hasSize(int expected) {
        if (items.size() != expected) {
            throw new AssertionError(
                    "Expected " + expected + " item(s) but the run emitted " + items.size() + ": " + describe());
        }
        return this;
    }

    /**
     * @param types the exact types of the items, in order
     * @return this
     */
    public Items hasTypes(Item.Type... types) {
        List<Item.Type> actual = items.stream().map(Item::type).toList();
        if (!actual.equals(Arrays.asList(types))) {
            throw new AssertionError("Expected items of types " + Arrays.toString(types) + " but got " + actual);
        }
        return this;
    }

    /**
     * @param role the message's role
     * @param text its whole text
     * @return this
     */
    public Items containsMessage(String role, String text) {
        boolean found = ofType(Item.Type.MESSAGE).stream()
                .anyMatch(i -> Objects.equals(i.content().get("role"), role)
                        && Objects.equals(i.content().get("text"), text));
        if (!found) {
            throw new AssertionError("Expected a " + role + " message \"" + text + "\" but the messages are "
                    + messageTexts() + " (" + describe() + ")");
        }
        return this;
    }

    /**
     * @param status the status every item must have
     * @return this
     */
    public Items allHaveStatus(Item.Status status) {
        List<Item> other = items.stream().filter(i -> i.status() != status).toList();
        if (!other.isEmpty()) {
            throw new AssertionError("Expected every item to be " + status + " but these are not: " + other);
        }
        return this;
    }

    /** @return the run, to chain further assertions */
    public TestRun<?> and() {
        return run;
    }

    private String describe() {
        return items.stream()
                .map(i -> i.type() + "/" + i.status() + i.content())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return describe();
    }
}
