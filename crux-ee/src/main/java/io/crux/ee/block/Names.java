package io.crux.ee.block;

/** Checks of block and operation names, which become segments of logical paths. */
final class Names {

    private Names() {}

    /**
     * @param what what is named, for the message
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is blank or holds {@code /}, {@code [}, {@code ]} or {@code #}
     */
    static String check(String what, String name) {
        if (name == null
                || name.isBlank()
                || name.contains("/")
                || name.contains("[")
                || name.contains("]")
                || name.contains("#")) {
            throw new IllegalArgumentException(what + " must be non-blank and contain none of / [ ] #: '" + name + "'");
        }
        return name;
    }

    /**
     * @param what what is counted, for the message
     * @param value the count
     * @return the count
     * @throws IllegalArgumentException if it is below 1
     */
    static int positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1: " + value);
        }
        return value;
    }
}
