package io.crux.it.support;

import java.util.Comparator;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The suite's order of test classes (junit-platform.properties): the classes that share a server
 * ({@link SharedServer}) run one after another, after all others, grouped by the server's name, so
 * that the server starts once for them; the others keep the order they were found in.
 */
public final class SharedServersTogether implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        // a stable sort: the classes of one server keep their order among themselves
        context.getClassDescriptors()
                .sort(Comparator.comparing(d -> AnnotationSupport.findAnnotation(d.getTestClass(), SharedServer.class)
                        .map(SharedServer::value)
                        .orElse("")));
    }
}
