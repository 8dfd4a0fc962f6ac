package io.crux.ee.block;

/** Checks of block and operation names, which become segments of logical paths. */
final class Names {

    private Names() {}

    static String check(String what, String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("[") || name.contains("]")
                || name.contains("#")) {
            throw new IllegalArgumentException(what + " must be non-blank and contain none of / [ ] #: '" + name + "'");
        }
        return name;
    }

    static int positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1: " + value);
        }
        return value;
    }
}
