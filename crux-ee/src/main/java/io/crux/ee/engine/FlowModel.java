package io.crux.ee.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A registered flow definition.
 *
 * @param name the flow's name
 * @param durable whether runs are checkpointed
 * @param definitionClass the bean class, whose loader decodes stored values
 * @param actions the actions by name, in declaration order
 */
public record FlowModel(String name, boolean durable, Class<?> definitionClass, Map<String, ActionModel> actions) {

    public FlowModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definitionClass, "definitionClass");
        actions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(actions));
    }

    /** @return the loader of the application that defined the flow */
    public ClassLoader classLoader() {
        ClassLoader loader = definitionClass.getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }
}
