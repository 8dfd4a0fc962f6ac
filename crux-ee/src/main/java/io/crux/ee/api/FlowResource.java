package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a resource of a {@link FlowDefinition}: a named, typed store of entries attached to a
 * scope, which the flow's steps and blocks reach with {@link FlowScope#resource(String, Class)}
 * and its {@code @ClientData} methods read with {@link ClientData.Context#resource(String, Class)}.
 * A bad declaration (a blank name, a name declared twice, a primitive type) fails the deployment
 * with {@code CRUX0241E}. A block may also use a resource that it declares in code
 * ({@link ResourceDecl}) instead.
 *
 * <pre>{@code
 * @FlowDefinition("research")
 * @FlowResource(name = "sources", scope = ResourceScope.SESSION, type = Source.class)
 * public class ResearchFlow { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(FlowResource.List.class)
public @interface FlowResource {

    /** @return the resource's name, unique within the flow: letters, digits, {@code -}, {@code _} and {@code .}, at most 64 */
    String name();

    /** @return the scope whose entries these are; {@link ResourceScope#SESSION} by default */
    ResourceScope scope() default ResourceScope.SESSION;

    /** @return the type of the entries' values, a JSON-B serializable class */
    Class<?> type();

    /** The resources of one flow. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {

        /** @return the resources */
        FlowResource[] value();
    }
}
