package io.crux.ee.engine;

import io.crux.ee.api.exception.LimitExceededException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.Payload;

/**
 * The limits on what a run stores, checked before it is written. Exceeding one fails the step or
 * the run with a policy-terminal {@link io.crux.ee.api.exception.LimitExceededException}
 * ({@code CRUX0141E}) that names the limit's configuration key.
 *
 * @param stepOutputBytes the most UTF-8 bytes of a step's output as JSON ({@value #STEP_OUTPUT_BYTES})
 * @param itemBytes the most UTF-8 bytes of an item, and of a resource entry's value, as JSON ({@value #ITEM_BYTES})
 * @param labelLength the most characters of a step label, a block path included ({@value #LABEL_LENGTH}); at
 *     most 200, the width of the label column
 * @param suspensionNameLength the most characters of a suspension or wait name, a branch prefix included
 *     ({@value #SUSPENSION_NAME_LENGTH}); at most 200, the width of the name column
 */
public record EngineLimits(int stepOutputBytes, int itemBytes, int labelLength, int suspensionNameLength) {

    /** The MicroProfile Config key of {@link #stepOutputBytes()}. */
    public static final String STEP_OUTPUT_BYTES = "crux.limits.step-output-bytes";
    /** The MicroProfile Config key of {@link #itemBytes()}. */
    public static final String ITEM_BYTES = "crux.limits.item-bytes";
    /** The MicroProfile Config key of {@link #labelLength()}. */
    public static final String LABEL_LENGTH = "crux.limits.label-length";
    /** The MicroProfile Config key of {@link #suspensionNameLength()}. */
    public static final String SUSPENSION_NAME_LENGTH = "crux.limits.suspension-name-length";

    /** The width of the label and suspension name columns. */
    static final int COLUMN = 200;

    public EngineLimits {
        positive(stepOutputBytes, STEP_OUTPUT_BYTES);
        positive(itemBytes, ITEM_BYTES);
        if (labelLength < 1 || labelLength > COLUMN) {
            throw new IllegalArgumentException(LABEL_LENGTH + " must be 1 to " + COLUMN + ": " + labelLength);
        }
        if (suspensionNameLength < 1 || suspensionNameLength > COLUMN) {
            throw new IllegalArgumentException(
                    SUSPENSION_NAME_LENGTH + " must be 1 to " + COLUMN + ": " + suspensionNameLength);
        }
    }

    private static void positive(int value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be positive: " + value);
        }
    }

    /** @return 1 MiB for a step output and an item, 200 characters for labels and suspension names */
    public static EngineLimits defaults() {
        return new EngineLimits(1 << 20, 1 << 20, COLUMN, COLUMN);
    }

    /** Refuses a new step's label, before the step runs. */
    void checkLabel(String flowId, String label) {
        if (label.length() > labelLength) {
            throw new LimitExceededException(
                    Messages.limitExceeded(
                            flowId,
                            "the label of step '" + label + "'",
                            label.length(),
                            labelLength,
                            "characters",
                            LABEL_LENGTH),
                    flowId,
                    label,
                    LABEL_LENGTH,
                    labelLength);
        }
    }

    /** Refuses a new suspension's or wait's name, before the run suspends. */
    void checkSuspensionName(String flowId, String name) {
        if (name.length() > suspensionNameLength) {
            throw new LimitExceededException(
                    Messages.limitExceeded(
                            flowId,
                            "the suspension name '" + name + "'",
                            name.length(),
                            suspensionNameLength,
                            "characters",
                            SUSPENSION_NAME_LENGTH),
                    flowId,
                    null,
                    SUSPENSION_NAME_LENGTH,
                    suspensionNameLength);
        }
    }

    /** Refuses a step's encoded output, before its checkpoint is written. */
    void checkStepOutput(String flowId, String label, Payload output) {
        long bytes = utf8Length(output.json());
        if (bytes > stepOutputBytes) {
            throw new LimitExceededException(
                    Messages.limitExceeded(
                            flowId,
                            "the output of step '" + label + "' as JSON",
                            bytes,
                            stepOutputBytes,
                            "bytes",
                            STEP_OUTPUT_BYTES),
                    flowId,
                    label,
                    STEP_OUTPUT_BYTES,
                    stepOutputBytes);
        }
    }

    /** Refuses an encoded item, before it is stored or streamed. */
    void checkItem(String flowId, String itemId, String json) {
        long bytes = utf8Length(json);
        if (bytes > itemBytes) {
            throw new LimitExceededException(
                    Messages.limitExceeded(
                            flowId, "the item " + itemId + " as JSON", bytes, itemBytes, "bytes", ITEM_BYTES),
                    flowId,
                    null,
                    ITEM_BYTES,
                    itemBytes);
        }
    }

    /** Refuses a resource entry's encoded value, before it is stored; the item limit applies. */
    void checkResourceValue(String flowId, String resource, String key, String json) {
        long bytes = utf8Length(json);
        if (bytes > itemBytes) {
            throw new LimitExceededException(
                    Messages.limitExceeded(
                            flowId,
                            "the value of the entry '" + key + "' of the resource '" + resource + "' as JSON",
                            bytes,
                            itemBytes,
                            "bytes",
                            ITEM_BYTES),
                    flowId,
                    null,
                    ITEM_BYTES,
                    itemBytes);
        }
    }

    /**
     * @param json a JSON text, or {@code null}
     * @return its length in UTF-8 bytes, counted without encoding it
     */
    static long utf8Length(String json) {
        if (json == null) {
            return 0;
        }
        long bytes = json.length();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c)) {
                    bytes += 2; // with its low surrogate: four bytes for two chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
