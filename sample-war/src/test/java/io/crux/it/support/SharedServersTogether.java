package io.crux.it.support;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import java.util.Optional;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The suite's order of test classes (junit-platform.properties): the classes that share a server
 * ({@link RunningServer#shared}) run one after another, after all others, grouped by the server's
 * name, so that the server starts once for them; the others keep the order they were found in.
 */
public final class SharedServersTogether implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        // a stable sort: the classes of one key keep their order among themselves
        context.getClassDescriptors()
                .sort(Comparator.comparing(d -> sharedName(d.getTestClass()).orElse("")));
    }

    /** @return the name of the shared server in a static {@link RunningServer} field of the class, if any */
    private static Optional<String> sharedName(Class<?> testClass) {
        for (Field field : testClass.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == RunningServer.class) {
                try {
                    field.setAccessible(true);
                    return ((RunningServer) field.get(null)).sharedName();
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + field, e);
                }
            }
        }
        return Optional.empty();
    }
}
