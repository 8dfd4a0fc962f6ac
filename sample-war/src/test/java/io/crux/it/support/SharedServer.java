package io.crux.it.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says that a test class's {@link RunningServer#shared} server is the one of this name, so that
 * {@link SharedServersTogether} runs the classes that share it one after another (it reads the
 * annotation without initializing the class, which would create its server's declaration).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SharedServer {

    /** @return the shared server's name, as given to {@link RunningServer#shared} */
    String value();
}
