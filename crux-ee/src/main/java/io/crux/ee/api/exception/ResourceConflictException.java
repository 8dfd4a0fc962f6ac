package io.crux.ee.api.exception;

/**
 * A conditional write of a resource entry ({@code Resource.put(key, value, expectedVersion)} or
 * {@code Resource.create}) found another version: someone wrote (or deleted, or created) the entry
 * first. Nothing was written; read the entry again and decide. Not policy-terminal: a step that
 * throws it may be retried and read again.
 */
public final class ResourceConflictException extends FlowConflictException {

    private static final long serialVersionUID = 1L;
    private final String resource;
    private final String key;
    private final long expectedVersion;
    private final long actualVersion;

    /**
     * Thrown by crux-ee and by {@code SessionStore} implementations; applications catch it and do
     * not create it.
     *
     * @param message the message
     * @param resource the resource's name
     * @param key the entry's key
     * @param expectedVersion the version the write expected, -1 for none (a create)
     * @param actualVersion the stored version, -1 when the entry is absent
     */
    public ResourceConflictException(
            String message, String resource, String key, long expectedVersion, long actualVersion) {
        super(message, null, null);
        this.resource = resource;
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    /** @return the resource's name */
    public String resource() {
        return resource;
    }

    /** @return the entry's key */
    public String key() {
        return key;
    }

    /** @return the version the write expected, -1 for a create (no entry) */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** @return the stored version when the write was refused, -1 when the entry was absent */
    public long actualVersion() {
        return actualVersion;
    }
}
