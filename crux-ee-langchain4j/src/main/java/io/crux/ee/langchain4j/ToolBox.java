package io.crux.ee.langchain4j;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutionResult;

import io.crux.ee.api.StepOptions;
import io.crux.ee.catalog.Messages;

/**
 * The {@code @Tool} methods of a generator's beans, described with LangChain4j's
 * {@link ToolSpecifications} and run with its {@link DefaultToolExecutor}.
 *
 * <p>The methods are looked up on the bean's class and its superclasses and interfaces, so a CDI
 * client proxy (a subclass whose overriding methods carry no annotations) still shows the tools of
 * the bean class; the method is invoked on the proxy, so interceptors apply.
 */
final class ToolBox {

    static final ToolBox NONE = new ToolBox(List.of(), Map.of());

    private final List<ToolSpecification> specifications;
    private final Map<String, DefaultToolExecutor> executors;

    private ToolBox(List<ToolSpecification> specifications, Map<String, DefaultToolExecutor> executors) {
        this.specifications = specifications;
        this.executors = executors;
    }

    /** What a tool answered: the text for the model, and whether it is an error. */
    record Outcome(String text, boolean error) {}

    static ToolBox of(List<Object> beans) {
        if (beans.isEmpty()) {
            return NONE;
        }
        List<ToolSpecification> specs = new ArrayList<>();
        Map<String, DefaultToolExecutor> executors = new LinkedHashMap<>();
        for (Object bean : beans) {
            List<Method> methods = toolMethods(bean.getClass());
            if (methods.isEmpty()) {
                throw new IllegalArgumentException(
                        Messages.badTools(bean.getClass().getName(), "it has no @Tool method"));
            }
            for (Method method : methods) {
                ToolSpecification spec = ToolSpecifications.toolSpecificationFrom(method);
                if (executors.containsKey(spec.name())) {
                    throw new IllegalArgumentException(Messages.badTools(
                            bean.getClass().getName(), "the tool name '" + spec.name() + "' is used twice"));
                }
                specs.add(spec);
                executors.put(
                        spec.name(),
                        DefaultToolExecutor.builder()
                                .object(bean)
                                .originalMethod(method)
                                .methodToInvoke(method)
                                .wrapToolArgumentsExceptions(true)
                                .propagateToolExecutionExceptions(true)
                                .build());
            }
        }
        return new ToolBox(List.copyOf(specs), Collections.unmodifiableMap(executors));
    }

    /**
     * The annotated methods of a type, its superclasses and interfaces; an override shadows what it
     * overrides, unless the override lost its parameter names: a generated proxy subclass (a CDI
     * client proxy may copy the annotations but is compiled without {@code -parameters}) would
     * otherwise describe the tool's arguments as {@code arg0, arg1} and receive none of them.
     */
    private static List<Method> toolMethods(Class<?> type) {
        List<Method> found = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        Set<Class<?>> visited = new HashSet<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            Class<?> c = pending.poll();
            if (c == Object.class || !visited.add(c)) {
                continue;
            }
            Method[] declared = c.getDeclaredMethods();
            Arrays.sort(declared, (a, b) -> a.toString().compareTo(b.toString()));
            for (Method m : declared) {
                if (!m.isAnnotationPresent(Tool.class) || m.isBridge() || m.isSynthetic()) {
                    continue;
                }
                Integer at = seen.putIfAbsent(m.getName() + Arrays.toString(m.getParameterTypes()), found.size());
                if (at == null) {
                    found.add(m);
                } else if (!namesPresent(found.get(at)) && namesPresent(m)) {
                    found.set(at, m);
                }
            }
            if (c.getSuperclass() != null) {
                pending.add(c.getSuperclass());
            }
            pending.addAll(Arrays.asList(c.getInterfaces()));
        }
        return found;
    }

    private static boolean namesPresent(Method m) {
        return Arrays.stream(m.getParameters()).allMatch(java.lang.reflect.Parameter::isNamePresent);
    }

    boolean isEmpty() {
        return specifications.isEmpty();
    }

    List<ToolSpecification> specifications() {
        return specifications;
    }

    /**
     * Runs one tool call. Unknown tools, bad arguments and ordinary failures of the tool go back to
     * the model as an error result, so it can correct itself; a policy-terminal failure, an
     * {@link Error} or an interruption ends the generation.
     */
    Outcome execute(ToolExecutionRequest request) {
        DefaultToolExecutor executor = executors.get(request.name());
        if (executor == null) {
            return new Outcome(
                    "There is no tool named '" + request.name() + "'. The tools are " + executors.keySet() + ".", true);
        }
        try {
            ToolExecutionResult result = executor.executeWithContext(
                    request, InvocationContext.builder().build());
            return new Outcome(result.resultText(), result.isError());
        } catch (ToolArgumentsException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Outcome(
                    "The arguments of tool '" + request.name() + "' are invalid: " + cause.getMessage(), true);
        } catch (ToolExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof Error error) {
                throw error;
            }
            if (StepOptions.isPolicyTerminal(cause)
                    || Thread.currentThread().isInterrupted()
                    || cause instanceof InterruptedException) {
                throw cause instanceof RuntimeException re ? re : e;
            }
            return new Outcome(
                    cause.getMessage() != null
                            ? cause.getMessage()
                            : cause.getClass().getName(),
                    true);
        }
    }
}
