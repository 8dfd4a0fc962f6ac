package io.crux.ee.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A resource declared in code: its name, scope and value type, the same facts a
 * {@link FlowResource} annotation gives. A block that keeps entries of its own declares them with
 * a constant and reaches them with {@link FlowScope#resource(ResourceDecl)}; two declarations of
 * one name and scope share the entries.
 *
 * <pre>{@code
 * static final ResourceDecl<Note> NOTES = ResourceDecl.session("notes", Note.class);
 * ...
 * ctx.resource(NOTES).put(note.id(), note);
 * }</pre>
 *
 * @param name the resource's name: letters, digits, {@code -}, {@code _} and {@code .}, at most 64
 * @param scope the scope whose entries these are
 * @param type the values' type, a JSON-B serializable class, not primitive
 * @param <T> the values' type
 */
public record ResourceDecl<T>(String name, ResourceScope scope, Class<T> type) {

    /** The most characters of a resource's name, the width of its column. */
    public static final int MAX_NAME_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_NAME_LENGTH + "}");

    /**
     * Checks the declaration.
     *
     * @throws IllegalArgumentException if the name is not a valid name or the type is primitive
     */
    public ResourceDecl {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(type, "type");
        String problem = problem(name, type);
        if (problem != null) {
            throw new IllegalArgumentException("resource '" + name + "' " + problem);
        }
    }

    /**
     * @param name a resource name
     * @param type a value type
     * @return what is wrong with them as a declaration, or {@code null} if nothing is
     */
    public static String problem(String name, Class<?> type) {
        if (!NAME.matcher(name).matches()) {
            return "has a name that is blank, longer than " + MAX_NAME_LENGTH
                    + " characters or holds other characters than letters, digits, '-', '_' and '.'";
        }
        if (type.isPrimitive()) {
            return "has the primitive type " + type + " (declare its wrapper)";
        }
        return null;
    }

    /**
     * @param name the name
     * @param type the values' type
     * @param <T> the values' type
     * @return a resource of the run's session
     */
    public static <T> ResourceDecl<T> session(String name, Class<T> type) {
        return new ResourceDecl<>(name, ResourceScope.SESSION, type);
    }

    /**
     * @param name the name
     * @param type the values' type
     * @param <T> the values' type
     * @return a resource of the run's user
     */
    public static <T> ResourceDecl<T> user(String name, Class<T> type) {
        return new ResourceDecl<>(name, ResourceScope.USER, type);
    }

    /**
     * @param name the name
     * @param type the values' type
     * @param <T> the values' type
     * @return a resource of the run's project
     */
    public static <T> ResourceDecl<T> project(String name, Class<T> type) {
        return new ResourceDecl<>(name, ResourceScope.PROJECT, type);
    }

    /**
     * @param annotation a flow's declaration
     * @return the same declaration as a value
     * @throws IllegalArgumentException if the declaration is not valid
     */
    public static ResourceDecl<?> of(FlowResource annotation) {
        return new ResourceDecl<>(annotation.name(), annotation.scope(), annotation.type());
    }
}
