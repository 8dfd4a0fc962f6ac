package io.crux.ee.engine;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.crux.ee.api.Resource;
import io.crux.ee.api.ResourceDecl;
import io.crux.ee.api.ResourceEntry;
import io.crux.ee.api.ResourcePage;
import io.crux.ee.api.ResourceReader;
import io.crux.ee.api.exception.ConstraintViolatedException;
import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.ResourceRecord;
import io.crux.ee.spi.SessionStore;

/**
 * One resource of one scope's owner on a {@link SessionStore}: values checked (Bean Validation, the
 * item size limit) and encoded before each write, decoded to the declared type on each read.
 */
final class StoredResource<T> implements Resource<T> {

    /** The most characters of an entry's key, the width of its column. */
    static final int MAX_KEY_LENGTH = 200;

    private final ResourceDecl<T> declaration;
    private final String owner;
    private final SessionStore store;
    private final PayloadCodec codec;
    private final InputValidator validator;
    private final EngineLimits limits;
    private final String flowId;
    private final Consumer<String> changed;

    /**
     * @param flowId the run that writes, for messages; may be null
     * @param changed told the key of each change, after it is stored
     */
    StoredResource(
            ResourceDecl<T> declaration,
            String owner,
            SessionStore store,
            PayloadCodec codec,
            InputValidator validator,
            EngineLimits limits,
            String flowId,
            Consumer<String> changed) {
        this.declaration = declaration;
        this.owner = owner;
        this.store = store;
        this.codec = codec;
        this.validator = validator;
        this.limits = limits;
        this.flowId = flowId;
        this.changed = changed;
    }

    /** A resource that only reads, for client-data methods. */
    static <T> ResourceReader<T> reader(
            ResourceDecl<T> declaration, String owner, SessionStore store, PayloadCodec codec) {
        // no owner: a user resource of a session without a user, which has no entries
        StoredResource<T> resource = owner == null
                ? null
                : new StoredResource<>(
                        declaration,
                        owner,
                        store,
                        codec,
                        InputValidator.NONE,
                        EngineLimits.defaults(),
                        null,
                        key -> {});
        return new ResourceReader<>() {
            @Override
            public ResourceDecl<T> declaration() {
                return declaration;
            }

            @Override
            public Optional<ResourceEntry<T>> entry(String key) {
                return resource == null ? Optional.empty() : resource.entry(key);
            }

            @Override
            public ResourcePage<T> list(String after, int limit) {
                if (resource == null) {
                    checkLimit(declaration.name(), limit);
                    return new ResourcePage<>(List.of(), Optional.empty());
                }
                return resource.list(after, limit);
            }
        };
    }

    @Override
    public ResourceDecl<T> declaration() {
        return declaration;
    }

    @Override
    public Optional<ResourceEntry<T>> entry(String key) {
        checkKey(key);
        return store.readResource(scope(), owner, declaration.name(), key).map(this::entryOf);
    }

    @Override
    public ResourcePage<T> list(String after, int limit) {
        checkLimit(declaration.name(), limit);
        // one more than asked, so that the last page says it is the last
        List<ResourceRecord> rows = store.listResources(
                scope(), owner, declaration.name(), after, limit == Integer.MAX_VALUE ? limit : limit + 1);
        boolean more = rows.size() > limit;
        List<ResourceEntry<T>> entries =
                rows.stream().limit(limit).map(this::entryOf).toList();
        return new ResourcePage<>(
                entries, more ? Optional.of(entries.get(entries.size() - 1).key()) : Optional.empty());
    }

    @Override
    public ResourceEntry<T> put(String key, T value) {
        return write(key, value, null);
    }

    @Override
    public ResourceEntry<T> put(String key, T value, long expectedVersion) {
        return write(key, value, expectedVersion);
    }

    @Override
    public ResourceEntry<T> create(String key, T value) {
        return write(key, value, -1L);
    }

    @Override
    public boolean delete(String key) {
        checkKey(key);
        boolean deleted = store.deleteResource(scope(), owner, declaration.name(), key);
        if (deleted) {
            changed.accept(key);
        }
        return deleted;
    }

    private ResourceEntry<T> write(String key, T value, Long expectedVersion) {
        checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException(
                    Messages.invalidResourceValue(declaration.name(), key, "null (delete the entry instead)"));
        }
        if (!declaration.type().isInstance(value)) {
            throw new IllegalArgumentException(Messages.invalidResourceValue(
                    declaration.name(),
                    key,
                    "a " + value.getClass().getName() + ", not a "
                            + declaration.type().getName()));
        }
        List<Violation> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new ConstraintViolatedException(Messages.invalidResourceValue(declaration.name(), key, violations));
        }
        String json = codec.encode(value).json();
        limits.checkResourceValue(flowId, declaration.name(), key, json);
        ResourceRecord stored = store.putResource(scope(), owner, declaration.name(), key, json, expectedVersion);
        changed.accept(key);
        return new ResourceEntry<>(key, value, stored.version(), stored.updatedAt());
    }

    private ResourceEntry<T> entryOf(ResourceRecord row) {
        ClassLoader loader = declaration.type().getClassLoader();
        Object value = codec.decode(
                new Payload(declaration.type().getName(), row.json()),
                loader != null ? loader : ClassLoader.getSystemClassLoader());
        return new ResourceEntry<>(row.key(), declaration.type().cast(value), row.version(), row.updatedAt());
    }

    private String scope() {
        return declaration.scope().id();
    }

    private void checkKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(
                    Messages.badResourceUse(declaration.name(), "a blank key '" + key + "'"));
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(Messages.badResourceUse(
                    declaration.name(),
                    "a key of " + key.length() + " characters, longer than " + MAX_KEY_LENGTH + ": '" + key + "'"));
        }
    }

    private static void checkLimit(String name, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(
                    Messages.badResourceUse(name, "the page limit " + limit + ", which must be at least 1"));
        }
    }
}
