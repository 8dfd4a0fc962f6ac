package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Changes the audience that the items of one type get in a {@link FlowDefinition}'s runs, in place of
 * the type's default ({@link Item.Type#audience()}). It applies to items emitted with the audience
 * {@link Item.Audience#BY_TYPE} (what the factories of {@link Item} make); an item given an audience
 * with {@link Item#withAudience(Item.Audience)} keeps it. A type mapped twice, or mapped to
 * {@code BY_TYPE}, fails the deployment with {@code CRUX0220E}.
 *
 * <pre>{@code
 * @FlowDefinition("research")
 * @ItemAudience(type = Item.Type.TOOL_CALL, audience = Item.Audience.CLIENT)   // the page shows its tool calls
 * @ItemAudience(type = Item.Type.TOOL_OUTPUT, audience = Item.Audience.CLIENT)
 * public class ResearchFlow { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(ItemAudience.List.class)
public @interface ItemAudience {

    /**
     * The item type, mapped at most once per flow.
     *
     * @return the type
     */
    Item.Type type();

    /**
     * The audience its items get; not {@link Item.Audience#BY_TYPE}.
     *
     * @return the audience
     */
    Item.Audience audience();

    /** The item audiences of one flow. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {

        /** @return the mappings */
        ItemAudience[] value();
    }
}
